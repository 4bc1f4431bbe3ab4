package dev.encore.media;

import static dev.encore.media.TestPackets.payload;
import static dev.encore.media.TestPackets.rtp;
import static dev.encore.media.TestPackets.show;
import static dev.encore.media.WhipTestKit.await;
import static dev.encore.media.WhipTestKit.listenerConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.loadtest.client.WebRtcPublisher;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.show.RtpIngestSettings;
import dev.encore.show.Secret;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The performer switches ingest method (in-process feed → SRTP ingest port → WHIP → feed) while a listener stays connected:
 * the listener's stream stays one continuous stream and {@link Router#status()} names the method in use.
 */
class WhipIngestSwitchTest {
    private static final byte[] KEY = new byte[30];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 11 + 3);
        }
    }

    private WhipTestKit kit;
    private Router router;

    @BeforeEach
    void start() throws Exception {
        kit = new WhipTestKit();
        router = kit.server.addShow(show("live", 64_000,
                new RtpIngestSettings("127.0.0.1", 0, Secret.of(Base64.getEncoder().encodeToString(KEY)))));
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    /** Runs {@code send} with a running frame number every 20 ms until {@code frames} were sent. */
    private void pace(int frames, java.util.function.IntConsumer send) throws InterruptedException {
        AtomicInteger n = new AtomicInteger();
        ScheduledFuture<?> task = kit.every20ms(() -> {
            int i = n.getAndIncrement();
            if (i < frames) {
                send.accept(i);
            }
        });
        await(frames + " frames sent", () -> n.get() >= frames);
        task.cancel(false);
    }

    private void awaitIngest(String ingest) throws InterruptedException {
        await("ingest " + ingest, () -> ingest.equals(router.status().ingest()));
    }

    @Test
    void feedThenSrtpThenWhipThenFeedIsOneContinuousStreamForTheListener() throws Exception {
        List<long[]> seen = new ArrayList<>();
        WebRtcListener listener = kit.listener("live", listenerConfig("live").packetListener((l, ssrc, seq, ts, p, off, len, at) -> {
            synchronized (seen) {
                seen.add(new long[] {seq, ts, at});
            }
        }));
        List<Integer> phaseStarts = new ArrayList<>();

        phaseStarts.add(0);
        pace(25, i -> {
            byte[] p = rtp(111, 5000 + i, 960L * i, 0xFEED, payload(60, i));
            router.feed(p, 0, p.length);
        });
        assertThat(router.status().ingest()).isEqualTo("feed");
        await("the feed's packets", () -> listener.stats().packets() >= 25);
        Thread.sleep(300);

        phaseStarts.add(25);
        InetSocketAddress ingest = kit.server.ingestAddress("live").orElseThrow();
        try (DatagramSocket rig = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SrtpSession out = SrtpSession.outboundOnly(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY)) {
            pace(25, i -> {
                byte[] p = Arrays.copyOf(rtp(111, 40_000 + i, 123_456L + 960L * i, 0xABC, payload(60, i)), 72 + SrtpSession.MAX_OVERHEAD);
                int n = out.protectRtp(p, 0, 72);
                try {
                    rig.send(new DatagramPacket(p, n, ingest));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        awaitIngest("rtp");
        await("the SRTP ingest's packets", () -> listener.stats().packets() >= 50);
        Thread.sleep(300);

        phaseStarts.add(50);
        WebRtcPublisher publisher = kit.publisher("live");
        byte[] opus = payload(60, 7);
        pace(25, i -> publisher.send(opus, 0, opus.length));
        awaitIngest("whip");
        await("the publisher's packets", () -> listener.stats().packets() >= 75);
        publisher.close();
        Thread.sleep(300);

        phaseStarts.add(75);
        pace(25, i -> {
            byte[] p = rtp(111, 7 + i, 960L * i, 0xFEED, payload(60, i));
            router.feed(p, 0, p.length);
        });
        awaitIngest("feed");
        await("all packets", () -> listener.stats().packets() >= 100);

        List<long[]> all;
        synchronized (seen) {
            all = List.copyOf(seen);
        }
        assertThat(all).hasSize(100);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i)[0]).as("sequence number %d", i).isEqualTo((all.get(i - 1)[0] + 1) & 0xFFFF);
            long step = (all.get(i)[1] - all.get(i - 1)[1]) & 0xFFFFFFFFL;
            if (phaseStarts.contains(i)) {
                // A switch: the timestamp advances by the real time between the two packets (±100 ms).
                long elapsed = (all.get(i)[2] - all.get(i - 1)[2]) * 48 / 1_000_000;
                assertThat(step).as("timestamp jump at %d", i).isBetween(Math.max(960, elapsed - 4_800), elapsed + 4_800);
            } else {
                assertThat(step).as("timestamp step %d", i).isEqualTo(960);
            }
        }
        assertThat(listener.stats().lost()).isZero();
        assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);
    }
}
