package dev.encore.media;

import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.WebRtcListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on loopback: the project's Java WebRTC client joins through WHEP (a minimal HTTP front end here), does ICE
 * against our ICE-lite port, DTLS-SRTP, and receives the show's stream fed by a synthetic performer.
 */
class WebRtcRelayTest {
    private MediaServer server;
    private HttpServer http;
    private ScheduledExecutorService performer;
    private ClientRuntime runtime;
    private Router router;
    private final AtomicInteger performerSeq = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2));
        router = server.addShow(show("live", 96_000, null));
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/whep/", this::whep);
        http.start();
        performer = Executors.newSingleThreadScheduledExecutor();
        performer.scheduleAtFixedRate(() -> {
            int seq = performerSeq.getAndIncrement();
            byte[] p = rtp(111, seq & 0xFFFF, 960L * seq, 0xFEED, payloadFor(seq));
            router.feed(p, 0, p.length);
        }, 0, 20, TimeUnit.MILLISECONDS);
        runtime = ClientRuntime.create();
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        performer.shutdownNow();
        performer.awaitTermination(1, TimeUnit.SECONDS);
        http.stop(0);
        server.close();
    }

    /** A payload that says which performer packet it came from. */
    private static byte[] payloadFor(int seq) {
        byte[] p = new byte[160];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (seq * 7 + i);
        }
        p[0] = (byte) (seq >>> 8);
        p[1] = (byte) seq;
        return p;
    }

    private void whep(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        int status;
        byte[] body = new byte[0];
        try {
            if (exchange.getRequestMethod().equals("POST") && parts.length == 3) {
                String offer = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                WhepSession session = server.whep().subscribe(parts[2], offer);
                exchange.getResponseHeaders().add("Location", "/whep/" + parts[2] + "/" + session.sessionId());
                exchange.getResponseHeaders().add("Content-Type", "application/sdp");
                body = session.answerSdp().getBytes(StandardCharsets.UTF_8);
                status = 201;
            } else if (exchange.getRequestMethod().equals("DELETE") && parts.length == 4) {
                status = server.whep().unsubscribe(parts[2], parts[3]) ? 200 : 404;
            } else {
                status = 405;
            }
        } catch (Exception e) {
            status = 400;
            body = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void twoListenersReceiveTheShowsOneStreamAndReportBack() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        Set<Long> ssrcs = ConcurrentHashMap.newKeySet();
        AtomicInteger mismatches = new AtomicInteger();
        ListenerConfig config = ListenerConfig.builder(base, "live")
                .packetListener((l, ssrc, seq, ts, payload, off, len, arrival) -> {
                    ssrcs.add(ssrc);
                    int performer = ((payload[off] & 0xFF) << 8) | (payload[off + 1] & 0xFF);
                    if (!Arrays.equals(payload, off, off + len, payloadFor(performer), 0, 160)) {
                        mismatches.incrementAndGet();
                    }
                }).build();
        WebRtcListener a = WebRtcListener.create(runtime, config);
        WebRtcListener b = WebRtcListener.create(runtime, config);
        a.connect().get(15, TimeUnit.SECONDS);
        b.connect().get(15, TimeUnit.SECONDS);
        a.firstPacket().get(5, TimeUnit.SECONDS);
        b.firstPacket().get(5, TimeUnit.SECONDS);
        assertThat(router.consumerCount()).isEqualTo(2);

        await("50 packets and a sender report each", () -> a.stats().packets() >= 50 && b.stats().packets() >= 50
                && a.stats().senderReports() >= 1 && b.stats().senderReports() >= 1);
        ShowRouter showRouter = server.showRouter("live");
        await("receiver reports from both", () -> showRouter.consumerStats().stream().allMatch(s -> s.reports() > 0)
                && showRouter.consumerStats().size() == 2);
        assertThat(ssrcs).containsExactly(showRouter.outgoingSsrc());
        assertThat(mismatches.get()).isZero();
        assertThat(a.stats().lost()).isZero();
        List<Consumer.ConsumerStats> stats = showRouter.consumerStats();
        assertThat(stats).allSatisfy(s -> assertThat(s.fractionLost()).isZero());
        MediaMetrics metrics = server.mediaMetrics();
        assertThat(metrics.dtlsHandshakes()).isEqualTo(2);
        assertThat(metrics.dropped(DropReason.SRTP_AUTH)).isZero();
        assertThat(metrics.dropped(DropReason.INTERNAL_ERROR)).isZero();
        assertThat(metrics.delayTotal().getTotalCount()).isPositive();

        a.close();
        await("the closed listener's session to end", () -> router.consumerCount() == 1);
        assertThat(server.peers().size()).isEqualTo(1);
        long before = b.stats().packets();
        await("the other listener to keep receiving", () -> b.stats().packets() > before + 10);
    }
}
