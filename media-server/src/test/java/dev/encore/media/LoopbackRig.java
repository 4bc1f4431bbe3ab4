package dev.encore.media;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.show.ShowConfig;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * A real {@link MediaServer} on 127.0.0.1 (port 0) with a minimal WHEP front over HTTP, a Java client runtime, the
 * server's counters read back from its Prometheus registry, and a capture of every log event at ERROR, or at WARN with an
 * exception, while the rig is up.
 *
 * <p>The WHEP front keeps every offer and answer it handled, so a test can learn the ICE credentials of a session (e.g. to
 * forge checks against a known ufrag).
 *
 * <p>Threads: built and closed by the test thread; the HTTP front runs on the JDK server's thread, the recorded exchanges
 * and log events are synchronized.
 */
final class LoopbackRig implements AutoCloseable {
    private final MediaServer server;
    private final HttpServer http;
    private final URI base;
    private final ClientRuntime runtime;
    private final List<Exchange> exchanges = new ArrayList<>();
    private final ProblemCapture problems = new ProblemCapture();

    /** One WHEP POST that the server accepted: the client's offer and the server's answer. */
    record Exchange(String offerSdp, String answerSdp) {
        /** The {@code a=ice-ufrag} of the offer (the client's) or the answer (the server's). */
        static String ufrag(String sdp) {
            return attribute(sdp, "ice-ufrag");
        }

        /** The {@code a=ice-pwd} of the offer (the client's) or the answer (the server's). */
        static String pwd(String sdp) {
            return attribute(sdp, "ice-pwd");
        }

        private static String attribute(String sdp, String name) {
            String prefix = "a=" + name + ":";
            return sdp.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim())
                    .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in the SDP"));
        }
    }

    private LoopbackRig(MediaServer server, HttpServer http, ClientRuntime runtime) {
        this.server = server;
        this.http = http;
        this.runtime = runtime;
        this.base = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    static LoopbackRig start(ShowConfig... shows) throws Exception {
        MediaServer server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2));
        HttpServer http = null;
        try {
            for (ShowConfig show : shows) {
                server.addShow(show);
            }
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            LoopbackRig rig = new LoopbackRig(server, http,
                    ClientRuntime.create(new ClientRuntime.Options(2, 2, 2, Duration.ofSeconds(5), true)));
            http.createContext("/whep/", whepFront(server::whep, rig::record));
            http.start();
            rig.problems.attach();
            return rig;
        } catch (Exception | Error e) {
            if (http != null) {
                http.stop(0);
            }
            server.close();
            throw e;
        }
    }

    MediaServer server() {
        return server;
    }

    URI base() {
        return base;
    }

    ClientRuntime runtime() {
        return runtime;
    }

    synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Log events at ERROR, or at WARN or above with an exception, since the rig started. */
    List<String> problems() {
        return problems.events();
    }

    /** A counter's value with one label, e.g. {@code counter("encore_dropped_packets", "reason", "srtp_auth")}; 0 if absent. */
    double counter(String name, String label, String value) {
        return counterValues(name, label).getOrDefault(value, 0.0);
    }

    /** The sum of a counter's data points (e.g. an unlabelled counter's value); 0 if absent. */
    double counter(String name) {
        double sum = 0;
        for (MetricSnapshot snapshot : server.metrics().scrape()) {
            if (snapshot.getMetadata().getName().equals(name) && snapshot instanceof CounterSnapshot counter) {
                sum += counter.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return sum;
    }

    /** A labelled counter's values by label value (the registry's current snapshot). */
    Map<String, Double> counterValues(String name, String label) {
        Map<String, Double> values = new TreeMap<>();
        for (MetricSnapshot snapshot : server.metrics().scrape()) {
            if (snapshot.getMetadata().getName().equals(name) && snapshot instanceof CounterSnapshot counter) {
                for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
                    values.merge(point.getLabels().get(label), point.getValue(), Double::sum);
                }
            }
        }
        return values;
    }

    /** Every {@code encore_dropped_packets_total} by reason. */
    Map<String, Double> drops() {
        return counterValues("encore_dropped_packets", "reason");
    }

    /** The sum of {@code encore_dropped_packets_total} over all reasons. */
    long droppedTotal() {
        return Math.round(drops().values().stream().mapToDouble(Double::doubleValue).sum());
    }

    /** Each value of {@code after} minus the same label's value in {@code before}, zeros left out. */
    static Map<String, Long> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long diff = Math.round(v - before.getOrDefault(k, 0.0));
            if (diff != 0) {
                d.put(k, diff);
            }
        });
        return d;
    }

    static void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        problems.detach();
        runtime.close();
        http.stop(0);
        server.close();
    }

    /** Records one accepted WHEP POST (called on the HTTP server's thread). */
    private synchronized void record(String offerSdp, WhepSession session) {
        exchanges.add(new Exchange(offerSdp, session.answerSdp()));
    }

    /**
     * WHEP over HTTP, the little the tests need: POST /whep/{show} → 201 + Location; DELETE /whep/{show}/{id}. Each
     * accepted POST is handed to {@code onSubscribe} with the offer, before the answer goes out.
     */
    static HttpHandler whepFront(Supplier<WhepService> whep, BiConsumer<String, WhepSession> onSubscribe) {
        requireNonNull(whep, "whep");
        requireNonNull(onSubscribe, "onSubscribe");
        return exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (exchange.getRequestMethod().equals("POST") && parts.length == 3) {
                    WhepSession session = whep.get().subscribe(parts[2], body);
                    onSubscribe.accept(body, session);
                    exchange.getResponseHeaders().add("Location", "/whep/" + parts[2] + "/" + session.sessionId());
                    exchange.getResponseHeaders().add("Content-Type", "application/sdp");
                    respond(exchange, 201, session.answerSdp());
                } else if (exchange.getRequestMethod().equals("DELETE") && parts.length == 4) {
                    respond(exchange, whep.get().unsubscribe(parts[2], parts[3]) ? 200 : 404, "");
                } else {
                    respond(exchange, 405, "method not allowed");
                }
            } catch (NoSuchShowException e) {
                respond(exchange, 404, e.getMessage());
            } catch (SdpException e) {
                respond(exchange, 400, e.getMessage());
            } catch (IllegalStateException e) {
                respond(exchange, 503, e.getMessage());
            }
        };
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A logback appender on the root logger keeping ERROR events and WARN+ events that carry an exception. */
    private static final class ProblemCapture extends AppenderBase<ILoggingEvent> {
        private final List<String> events = new ArrayList<>();

        void attach() {
            setContext(root().getLoggerContext());
            setName("loopback-rig-problems");
            start();
            root().addAppender(this);
        }

        void detach() {
            root().detachAppender(this);
            stop();
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        @Override
        protected synchronized void append(ILoggingEvent event) {
            requireNonNull(event, "event");
            boolean error = event.getLevel().isGreaterOrEqual(Level.ERROR);
            boolean warnWithException = event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null;
            if (error || warnWithException) {
                events.add(event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] "
                        + event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : " : " + event.getThrowableProxy().getClassName() + ": " + event.getThrowableProxy().getMessage()));
            }
        }

        private static Logger root() {
            return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        }
    }

    /** Polls {@code value} until it stayed the same for {@code quiet}, or {@code timeout} passed; returns the last value. */
    static long settle(Supplier<Long> value, Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = value.get();
        long since = System.nanoTime();
        while (System.nanoTime() - deadline < 0 && System.nanoTime() - since < quiet.toNanos()) {
            Thread.sleep(20);
            long now = value.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }
}
