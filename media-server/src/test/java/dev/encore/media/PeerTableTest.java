package dev.encore.media;

import static dev.encore.media.TestPackets.show;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerTableTest {
    private static final long S = 1_000_000_000L;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FanoutShard shard = new FanoutShard(0, channel);
    private final ShowRouter router = new ShowRouter(show("s", 64_000, null), List.of(shard), new MediaMetrics(List::of), () -> 0);
    private final PeerTable peers = new PeerTable();

    @AfterEach
    void tearDown() {
        router.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
    }

    private PeerSession session(String id, String ufrag, long created) {
        PeerSession s = new PeerSession(id, router, new IceCredentials(ufrag, "p".repeat(24)), "remote",
                new Fingerprint("sha-256", new byte[32]), 111, created);
        peers.add(s);
        return s;
    }

    @Test
    void removesSessionsThatDoNotConnectWithinThirtySeconds() {
        PeerSession s = session("a", "ufra", 0);
        s.onValidCheck(PEER, true, shard, 1 * S);
        peers.bind(PEER, s);
        assertThat(peers.sweep(30 * S).setupTimedOut()).isEmpty();
        assertThat(peers.sweep(31 * S).setupTimedOut()).containsExactly(s);
        assertThat(peers.byId("a")).isNull();
        assertThat(peers.byUfrag("ufra")).isNull();
        assertThat(peers.byAddress(PEER)).isNull();
        assertThat(s.closed()).isTrue();
    }

    @Test
    void consentExpiresThirtySecondsAfterTheLastValidCheck() {
        PeerSession s = session("a", "ufra", 0);
        s.onValidCheck(PEER, true, shard, 1 * S);
        TestPackets.FakeSrtp srtp = new TestPackets.FakeSrtp();
        s.connect(new Consumer("a", shard, srtp, 111, PEER));
        channel.runPendingTasks();
        assertThat(router.consumerCount()).isEqualTo(1);
        s.onValidCheck(PEER, false, shard, 20 * S);
        assertThat(peers.sweep(45 * S).consentExpired()).isEmpty();
        assertThat(peers.sweep(51 * S).consentExpired()).containsExactly(s);
        channel.runPendingTasks();
        assertThat(router.consumerCount()).isZero();
        assertThat(srtp.closed).isTrue();
    }

    @Test
    void aSessionLearnsAtMostEightAddresses() {
        PeerSession s = session("a", "ufra", 0);
        for (int i = 0; i < PeerSession.MAX_ADDRESSES; i++) {
            assertThat(s.onValidCheck(new InetSocketAddress("127.0.0.1", 5000 + i), false, shard, 0)).isTrue();
        }
        assertThat(s.onValidCheck(new InetSocketAddress("127.0.0.1", 6000), false, shard, 0)).isFalse();
        assertThat(s.onValidCheck(new InetSocketAddress("127.0.0.1", 5000), true, shard, 0)).isTrue();
        assertThat(s.mediaAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 5000));
    }
}
