package dev.encore.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's own view: {@code GET {target}/metrics} (Prometheus text format 0.0.4) scraped at the start, every few
 * seconds and at the end. Keeps the series of the media server ({@code encore_media_*}, {@code encore_dropped_*}) and of
 * the process ({@code process_*}, when the server exports them). Called from the run's thread only.
 */
final class ServerMetrics {
    private static final String[] KEPT = {"encore_media_", "encore_dropped_", "process_"};

    /**
     * One scrape.
     *
     * @param elapsedMillis since the start of the run
     * @param series value by series ({@code name{labels}} as exposed)
     */
    record Sample(long elapsedMillis, Map<String, Double> series) {
        /** The sum of every series of metric {@code name} (all label values), or NaN when there is none. */
        double sum(String name) {
            double total = 0;
            boolean any = false;
            for (Map.Entry<String, Double> e : series.entrySet()) {
                String k = e.getKey();
                if (k.equals(name) || k.startsWith(name + "{")) {
                    total += e.getValue();
                    any = true;
                }
            }
            return any ? total : Double.NaN;
        }

        /** The value of one series, or NaN. */
        double get(String series) {
            return this.series.getOrDefault(series, Double.NaN);
        }
    }

    private final HttpClient http;
    private final URI uri;

    ServerMetrics(URI target) {
        String base = target.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.uri = URI.create(base + "/metrics");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    /** One scrape; null when the server did not answer 200 (the run goes on without it). */
    Sample scrape(long elapsedMillis) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return null;
            }
            return new Sample(elapsedMillis, parse(r.body()));
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The kept series of a Prometheus text exposition; comment lines and unparsable values are skipped. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || !kept(l)) {
                continue;
            }
            int end = l.indexOf('}');
            int space = l.indexOf(' ', end < 0 ? 0 : end);
            if (space < 0) {
                continue;
            }
            String key = l.substring(0, space);
            String rest = l.substring(space + 1).strip();
            int sp = rest.indexOf(' ');
            String value = sp < 0 ? rest : rest.substring(0, sp); // a timestamp may follow
            try {
                out.put(key, Double.parseDouble(value));
            } catch (NumberFormatException e) {
                // "NaN" parses; anything else is not a sample
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static boolean kept(String line) {
        for (String prefix : KEPT) {
            if (line.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
