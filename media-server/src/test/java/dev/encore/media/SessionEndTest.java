package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every way a listener session ends is reported to the {@link SessionEndListener}s exactly once, with its cause; sweeps run
 * on a fake clock ({@link PeerTable#sweep} takes the time), the real server's sweeper with a short setup timeout.
 */
class SessionEndTest {
    private static final long S = 1_000_000_000L;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FanoutShard shard = new FanoutShard(0, channel);
    private final ShowRouter router = new ShowRouter(show("s", 64_000, null), List.of(shard), new MediaMetrics(List::of), () -> 0);
    private final PeerTable peers = new PeerTable();
    private final List<Ended> ended = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private MediaServer server;

    private record Ended(String showId, String sessionId, SessionEndReason reason, boolean heldSessionLock) {
    }

    SessionEndTest() {
        peers.onSessionEnded((showId, sessionId, reason) -> ended.add(new Ended(showId, sessionId, reason, false)));
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        router.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
    }

    private PeerSession session(String id, long created, boolean publisher) {
        PeerSession s = new PeerSession(id, router, new IceCredentials("u" + id, "p".repeat(24)), "remote",
                new Fingerprint("sha-256", new byte[32]), 111, created, publisher, -1);
        peers.add(s);
        return s;
    }

    private static Ended end(String sessionId, SessionEndReason reason) {
        return new Ended("s", sessionId, reason, false);
    }

    @Test
    void setupTimeoutIsReportedOnceBySweep() {
        PeerSession s = session("a", 0, false);
        peers.sweep(30 * S);
        assertThat(ended).isEmpty();
        assertThat(peers.sweep(31 * S).setupTimedOut()).containsExactly(s);
        peers.sweep(32 * S);
        assertThat(peers.remove(s, SessionEndReason.UNSUBSCRIBED)).as("already gone").isFalse();
        assertThat(ended).containsExactly(end("a", SessionEndReason.SETUP_TIMEOUT));
    }

    @Test
    void theSetupTimeoutIsConfigurable() {
        PeerTable quick = new PeerTable(PeerTable.CONSENT_TIMEOUT_NANOS, 2 * S);
        List<SessionEndReason> reasons = new CopyOnWriteArrayList<>();
        quick.onSessionEnded((showId, sessionId, reason) -> reasons.add(reason));
        PeerSession s = new PeerSession("q", router, new IceCredentials("uq", "p".repeat(24)), "remote",
                new Fingerprint("sha-256", new byte[32]), 111, 0);
        quick.add(s);
        assertThat(quick.sweep(2 * S).setupTimedOut()).isEmpty();
        assertThat(quick.sweep(2 * S + 1).setupTimedOut()).containsExactly(s);
        assertThat(reasons).containsExactly(SessionEndReason.SETUP_TIMEOUT);
    }

    @Test
    void consentExpiryIsReportedOnceOutsideTheSessionLockAfterTheSessionClosed() {
        PeerSession s = session("a", 0, false);
        s.onValidCheck(PEER, true, shard, 1 * S);
        s.connect(new Consumer("a", shard, new TestPackets.FakeSrtp(), 111, PEER));
        channel.runPendingTasks();
        assertThat(router.consumerCount()).isEqualTo(1);
        List<Ended> seen = new CopyOnWriteArrayList<>();
        List<Boolean> closedWhenTold = new CopyOnWriteArrayList<>();
        peers.onSessionEnded((showId, sessionId, reason) -> {
            seen.add(new Ended(showId, sessionId, reason, Thread.holdsLock(s)));
            closedWhenTold.add(s.closed());
        });
        assertThat(peers.sweep(31 * S).consentExpired()).isEmpty();
        assertThat(peers.sweep(32 * S).consentExpired()).containsExactly(s);
        peers.sweep(33 * S);
        assertThat(ended).containsExactly(end("a", SessionEndReason.CONSENT_EXPIRED));
        assertThat(seen).containsExactly(end("a", SessionEndReason.CONSENT_EXPIRED));
        assertThat(closedWhenTold).containsExactly(true);
        channel.runPendingTasks();
        assertThat(router.consumerCount()).isZero();
    }

    @Test
    void unsubscribeIsReportedOnceAndTheSessionIsNotSweptAgain() throws Exception {
        MediaWhepService whep = new MediaWhepService(Map.of("s", router)::get, peers, new Fingerprint("sha-256", new byte[32]),
                "127.0.0.1", 9, clock::get);
        String id = whep.subscribe("s", MediaServerTest.fixture("chrome-whep-recvonly.sdp")).sessionId();
        assertThat(whep.unsubscribe("other", id)).isFalse();
        assertThat(ended).isEmpty();
        assertThat(whep.unsubscribe("s", id)).isTrue();
        assertThat(whep.unsubscribe("s", id)).isFalse();
        peers.sweep(60 * S);
        assertThat(ended).containsExactly(end(id, SessionEndReason.UNSUBSCRIBED));
    }

    @Test
    void publisherSessionsAreNotReported() {
        PeerSession p = session("p", 0, true);
        assertThat(peers.remove(p, SessionEndReason.UNSUBSCRIBED)).isTrue();
        peers.sweep(60 * S);
        assertThat(ended).isEmpty();
    }

    @Test
    void aFailingListenerIsLoggedAndTheOthersStillHear() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(PeerTable.class);
        logger.addAppender(logs);
        try {
            PeerTable table = new PeerTable();
            List<String> heard = new CopyOnWriteArrayList<>();
            table.onSessionEnded((showId, sessionId, reason) -> {
                throw new IllegalStateException("listener bug");
            });
            table.onSessionEnded((showId, sessionId, reason) -> heard.add(sessionId));
            String id = "Zm9vYmFyLXNlc3Npb24taWQ";
            PeerSession s = new PeerSession(id, router, new IceCredentials("ub", "p".repeat(24)), "remote",
                    new Fingerprint("sha-256", new byte[32]), 111, 0);
            table.add(s);
            assertThat(table.remove(s, SessionEndReason.UNSUBSCRIBED)).isTrue();
            assertThat(heard).containsExactly(id);
            assertThat(table.byId(id)).isNull();
            assertThat(s.closed()).isTrue();
            assertThat(logs.list).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).contains("session end listener failed", "UNSUBSCRIBED").doesNotContain(id);
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("listener bug");
            });
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void racingCausesReportOnlyTheFirst() throws Exception {
        SessionEndReason[] causes = SessionEndReason.values();
        for (int round = 0; round < 50; round++) {
            PeerSession s = session("r" + round, 0, false);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (SessionEndReason cause : causes) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    peers.remove(s, cause);
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(5_000);
            }
            String id = "r" + round;
            assertThat(ended.stream().filter(e -> e.sessionId().equals(id))).as("round " + round).hasSize(1);
        }
    }

    @Test
    void theRealSweeperRemovesASessionThatNeverConnectsAfterTheConfiguredSetupTimeout() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 1, Duration.ofMillis(200)));
        server.addShow(show("s", 64_000, null));
        List<Ended> heard = new CopyOnWriteArrayList<>();
        CountDownLatch timedOut = new CountDownLatch(1);
        server.onSessionEnded((showId, sessionId, reason) -> {
            heard.add(new Ended(showId, sessionId, reason, false));
            timedOut.countDown();
        });
        String id = server.whep().subscribe("s", MediaServerTest.fixture("chrome-whep-recvonly.sdp")).sessionId();
        assertThat(timedOut.await(5, TimeUnit.SECONDS)).as("removed by the sweeper").isTrue();
        assertThat(heard).containsExactly(new Ended("s", id, SessionEndReason.SETUP_TIMEOUT, false));
        assertThat(server.peers().byId(id)).isNull();
        // counted by the sweeper after the removal (and so after the listener)
        long deadline = System.nanoTime() + 5 * S;
        while (server.mediaMetrics().setupTimeouts() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.mediaMetrics().setupTimeouts()).isEqualTo(1);
        assertThat(server.whep().unsubscribe("s", id)).isFalse();
        server.close();
        assertThat(heard).hasSize(1);
    }

    @Test
    void closingTheServerReportsEveryLiveSessionOnce() throws Exception {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 1));
        server.addShow(show("s", 64_000, null));
        List<Ended> heard = new CopyOnWriteArrayList<>();
        server.onSessionEnded((showId, sessionId, reason) -> heard.add(new Ended(showId, sessionId, reason, false)));
        String offer = MediaServerTest.fixture("chrome-whep-recvonly.sdp");
        String a = server.whep().subscribe("s", offer).sessionId();
        String b = server.whep().subscribe("s", offer).sessionId();
        String c = server.whep().subscribe("s", offer).sessionId();
        assertThat(server.whep().unsubscribe("s", c)).isTrue();
        server.close();
        server.close();
        assertThat(heard).containsExactlyInAnyOrder(end(a, SessionEndReason.SERVER_CLOSED), end(b, SessionEndReason.SERVER_CLOSED),
                end(c, SessionEndReason.UNSUBSCRIBED));
    }
}
