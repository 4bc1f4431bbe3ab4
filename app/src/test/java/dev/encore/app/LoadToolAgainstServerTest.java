package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.loadtest.LoadTestCommand;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The promoters' tool against the real server in this JVM (real WHIP publisher, real WHEP listeners over loopback, voters on
 * the real show channel): the report it writes agrees with what the server itself counted.
 */
class LoadToolAgainstServerTest {
    private static final String KEY = "load-tool-performer-key-0123456789";
    private static final int LISTENERS = 20;

    @TempDir
    Path dir;
    private EncoreServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static double metric(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E+-]+)$").matcher(text);
        assertThat(m.find()).as("metric %s in /metrics", name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theReportAgreesWithTheServersCounters() throws Exception {
        ShowConfig show = new ShowConfig(null, "bench", "Bench", Secret.of(KEY), AccessMode.OPEN, new AudioSettings(96_000, true),
                null);
        server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show));
        String target = "http://127.0.0.1:" + server.httpPort();
        Path report = dir.resolve("report");

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LoadTestCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute("--target", target, "--show", "bench", "--performer-key", KEY, "--listeners",
                String.valueOf(LISTENERS), "--ramp", "2s", "--duration", "6s", "--voters", "50%", "--slo",
                "loss<0.1%,joined>=100%", "--report", report.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).doesNotContain(KEY);
        JsonNode r = new ObjectMapper().readTree(Files.readString(report.resolve("report.json")));
        JsonNode summary = r.path("summary");
        assertThat(summary.path("joined").asInt()).isEqualTo(LISTENERS);
        assertThat(summary.path("packetsLost").asLong()).isZero();
        long received = summary.path("packetsReceived").asLong();

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(target + "/metrics")).build(),
                BodyHandlers.ofString()).body();
        double sent = metric(metrics, "encore_media_packets_out_total{show=\"bench\"}");
        double whepSessions = metric(metrics, "encore_http_requests_total{code=\"201\",method=\"POST\",route=\"/whep/{show}\"}");
        assertThat(whepSessions).isEqualTo(LISTENERS);
        assertThat(metric(metrics, "process_cpu_seconds_total")).isPositive(); // the tool reports the server's CPU from it
        // Every packet the server sent to a listener was received and authenticated, except the few a client dropped
        // because they beat its own DTLS keys (at most a handful per listener at the start).
        assertThat((double) received).isLessThanOrEqualTo(sent).isGreaterThan(sent - 10.0 * LISTENERS);
        assertThat(received).isGreaterThan(LISTENERS * 6L * 50 / 2); // 20 listeners x >= ~6 s x 50 packets/s, with slack
        assertThat(Files.exists(report.resolve("report.html"))).isTrue();
        assertThat(Files.exists(report.resolve("latency.hlog"))).isTrue();
    }
}
