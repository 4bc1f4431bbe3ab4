package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.media.SessionEndReason;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Capacity;
import dev.encore.show.ShowConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seats follow the media server's sessions, on a real server (127.0.0.1, ports 0) with one seat and a 3 s setup timeout
 * (a cold Java listener needs about 1 s to connect here): a listener that never completes ICE loses its seat when the media
 * server removes its session, and the next listener gets in; a listener that did connect keeps its seat past the setup
 * timeout.
 */
class SeatReleaseTest {
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(3);
    private static final String SHOW = "hall";

    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstEnd = new CountDownLatch(1);
    private EncoreServer server;
    private HttpClient client;
    private String offer;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig show = new ShowConfig(null, SHOW, "Hall", null, AccessMode.OPEN, new AudioSettings(64_000, true), null,
                new Capacity(1, 0));
        server = EncoreServer.start(EncoreServer.Options.loopback(), List.of(show), AccessOptions.ephemeralSecret(), null,
                SETUP_TIMEOUT);
        server.mediaServer().onSessionEnded((showId, sessionId, reason) -> {
            ended.add(showId + " " + sessionId + " " + reason);
            firstEnd.countDown();
        });
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (InputStream in = SeatReleaseTest.class.getResourceAsStream("/sdp/chrome-whep-recvonly.sdp")) {
            assertThat(in).as("the Chrome WHEP offer from the protocol test-jar").isNotNull();
            offer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSessionThatNeverConnectsIsRemovedByTheSetupTimeoutAndItsSeatGoesToTheNextListener() throws Exception {
        HttpResponse<String> silent = whep();
        assertThat(silent.statusCode()).as(silent.body()).isEqualTo(201);
        String silentId = sessionId(silent);
        assertThat(whep().statusCode()).as("the only seat is taken").isEqualTo(503);

        // The silent listener never sends an ICE check: the media server's sweeper removes it and says so.
        assertThat(firstEnd.await(10, TimeUnit.SECONDS)).as("the media server reports the end").isTrue();
        assertThat(ended).containsExactly(SHOW + " " + silentId + " " + SessionEndReason.SETUP_TIMEOUT);

        // Its seat is free: a real listener gets in and connects (ICE, DTLS).
        try (ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 1, 1, Duration.ofSeconds(5), true))) {
            WebRtcListener listener = WebRtcListener.create(runtime,
                    ListenerConfig.builder(URI.create("http://127.0.0.1:" + server.httpPort()), SHOW).build());
            try {
                long offered = System.nanoTime();
                listener.connect().get(15, TimeUnit.SECONDS);
                // Connected sessions are not subject to the setup timeout: the seat stays taken past it (and a sweep).
                long pastSetup = offered + SETUP_TIMEOUT.plusSeconds(1).toNanos() - System.nanoTime();
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(pastSetup)));
                assertThat(whep().statusCode()).as("the connected listener keeps its seat").isEqualTo(503);
                assertThat(ended).hasSize(1);
            } finally {
                listener.close(); // WHEP DELETE
            }
        }
        HttpResponse<String> next = whep();
        assertThat(next.statusCode()).as("the seat is free after the DELETE: " + next.body()).isEqualTo(201);
        assertThat(ended).hasSize(2).last().asString().endsWith(" " + SessionEndReason.UNSUBSCRIBED);
        assertThat(delete(next).statusCode()).isEqualTo(200);
        assertThat(delete(silent).statusCode()).as("the timed-out session is gone").isEqualTo(404);
    }

    private HttpResponse<String> whep() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/whep/" + SHOW))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/sdp").POST(BodyPublishers.ofString(offer))
                .build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(HttpResponse<String> created) throws Exception {
        String location = created.headers().firstValue("location").orElseThrow();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + location))
                .timeout(Duration.ofSeconds(5)).DELETE().build(), BodyHandlers.ofString());
    }

    private static String sessionId(HttpResponse<String> created) {
        String location = created.headers().firstValue("location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
