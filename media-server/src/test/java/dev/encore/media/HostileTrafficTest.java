package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A listener hears a show while a hostile socket on 127.0.0.1 blasts a few thousand forged datagrams at the media port:
 * random bytes, truncated and forged STUN, a ClientHello from an address that never passed ICE, RTP/RTCP/SRTP-looking
 * packets, oversized datagrams. The server must answer none of them, count every one as a drop, log no error, keep the
 * listener's stream whole, and still take a new listener afterwards.
 */
class HostileTrafficTest {
    private static final String SHOW = "hostile";
    /** Fixed, so a failure replays the same traffic. */
    private static final long SEED = 0x5EED_E5C0_2E00L;
    private static final int BURST = 50;

    /** What the hostile socket sends; the counts add up to a few thousand datagrams. */
    enum Kind {
        /** Random bytes, 0..1500 long: any first byte, so every RFC 7983 class and none. */
        RANDOM_BYTES(1000),
        /** A well-formed Binding request cut short (RFC 8489 §5 header, attribute bounds). */
        TRUNCATED_STUN(300),
        /** A complete Binding request for a ufrag no session has, keyed with a made-up password. */
        UNKNOWN_UFRAG_STUN(300),
        /** The live session's ufrags (from the WHEP exchange), MESSAGE-INTEGRITY keyed with a wrong password. */
        SPOOFED_STUN_WRONG_PASSWORD(200),
        /** The live session's ufrags, a valid FINGERPRINT, no MESSAGE-INTEGRITY at all. */
        SPOOFED_STUN_NO_INTEGRITY(50),
        /** A DTLS 1.2 handshake record carrying a ClientHello (RFC 6347 §4.2.2), from an address that never passed ICE. */
        DTLS_CLIENT_HELLO(300),
        /** RTP with a random payload (RFC 3550 §5.1). */
        RTP(200),
        /** SRTP-looking: the show's outgoing SSRC, sequence numbers just past the listener's latest, a random 10-byte tag. */
        SRTP_REPLAY(200),
        /** SRTCP-looking receiver reports: E bit, index, random tag (RFC 3711 §3.4). */
        SRTCP(300),
        /** 1501..9000 bytes: larger than any WebRTC peer sends. */
        OVERSIZED(50);

        final int count;

        Kind(int count) {
            this.count = count;
        }
    }

    @Test
    void hostileDatagramsAreDroppedUnansweredWhileTheListenerKeepsHearing() throws Exception {
        ScheduledExecutorService performer = Executors.newSingleThreadScheduledExecutor();
        try (LoopbackRig rig = LoopbackRig.start(new ShowConfig(null, SHOW, "Hostile", Secret.of("performer-key-for-tests-only"),
                AccessMode.OPEN, new AudioSettings(96_000, true), null));
                DatagramSocket hostile = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Router router = rig.server().router(SHOW).orElseThrow();
            new LoopbackListenerTest.ToneRtp(440).feedEvery20ms(performer, router);

            AtomicInteger lastSequence = new AtomicInteger();
            WebRtcListener listener = WebRtcListener.create(rig.runtime(), ListenerConfig.builder(rig.base(), SHOW)
                    .packetListener((l, ssrc, seq, ts, payload, off, len, arrival) -> lastSequence.set(seq))
                    .consent(Duration.ofMillis(500), Duration.ofSeconds(30)).build());
            try {
                listener.connect().get(15, TimeUnit.SECONDS);
                LoopbackRig.await(() -> listener.stats().packets() >= 25, Duration.ofSeconds(10), () -> "25 packets");
                assertThat(rig.exchanges()).hasSize(1);
                LoopbackRig.Exchange exchange = rig.exchanges().get(0);
                Forger forger = new Forger(new Random(SEED), LoopbackRig.Exchange.ufrag(exchange.answerSdp()),
                        LoopbackRig.Exchange.ufrag(exchange.offerSdp()), rig.server().showRouter(SHOW).outgoingSsrc(), lastSequence::get);

                ListenerStats before = listener.stats();
                Map<String, Double> dropsBefore = rig.drops();
                double answeredBefore = rig.counter("encore_media_stun_checks_answered");
                double helloVerifyBefore = rig.counter("encore_media_dtls_hello_verify");

                Map<Kind, Integer> sent = blast(hostile, rig.server(), forger);
                int total = sent.values().stream().mapToInt(Integer::intValue).sum();

                // Let the server catch up, and the listener hear another second.
                long dropped = LoopbackRig.settle(rig::droppedTotal, Duration.ofMillis(300), Duration.ofSeconds(10));
                Thread.sleep(1000);
                Map<String, Long> drops = LoopbackRig.delta(dropsBefore, rig.drops());
                String context = "sent " + sent + ", drops " + drops;

                // Not one answer: no STUN response, no HelloVerifyRequest, nothing.
                hostile.setSoTimeout(500);
                DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                assertThatThrownBy(() -> hostile.receive(reply)).as(context).isInstanceOf(SocketTimeoutException.class);

                // Every forged datagram was counted as a drop, once.
                assertThat(dropped - Math.round(dropsBefore.values().stream().mapToDouble(Double::doubleValue).sum()))
                        .as(context).isEqualTo(total);
                assertThat(drops.getOrDefault("stun_auth", 0L)).as(context)
                        .isEqualTo(sent.get(Kind.SPOOFED_STUN_WRONG_PASSWORD) + sent.get(Kind.SPOOFED_STUN_NO_INTEGRITY));
                assertThat(drops.getOrDefault("stun_unknown_ufrag", 0L)).as(context)
                        .isGreaterThanOrEqualTo(sent.get(Kind.UNKNOWN_UFRAG_STUN));
                assertThat(drops.getOrDefault("unknown_peer", 0L)).as(context).isGreaterThanOrEqualTo(sent.get(Kind.DTLS_CLIENT_HELLO)
                        + sent.get(Kind.RTP) + sent.get(Kind.SRTP_REPLAY) + sent.get(Kind.SRTCP));
                assertThat(drops).as(context).doesNotContainKeys("internal_error", "dtls_gate", "dtls_queue_full", "srtp_auth");
                assertThat(rig.counter("encore_media_dtls_hello_verify")).as("HelloVerifyRequests sent").isEqualTo(helloVerifyBefore);
                assertThat(rig.counter("encore_media_stun_checks_answered")).as("the listener's consent checks")
                        .isGreaterThan(answeredBefore);

                // The listener's stream went on whole.
                ListenerStats after = listener.stats();
                long expected = after.expected() - before.expected();
                long received = after.packets() - before.packets();
                assertThat(expected).as("listener %s", after).isGreaterThanOrEqualTo(50);
                assertThat((double) received / expected).as("delivery, listener %s", after).isGreaterThanOrEqualTo(0.99);
                assertThat(after.drops(DropReason.AUTH)).isZero();
                // A packet may beat the listener's own end of the handshake (MEDIA_EARLY) before the hostile traffic
                // starts; during it, the listener dropped nothing.
                assertThat(after.totalDrops() - before.totalDrops()).as("listener drops %s, before %s", after.drops(),
                        before.drops()).isZero();
                assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);

                // Control: the same socket does get an answer to a check keyed with the session's real password, so the
                // silence above is the server's doing.
                IceCredentials server = new IceCredentials(LoopbackRig.Exchange.ufrag(exchange.answerSdp()),
                        LoopbackRig.Exchange.pwd(exchange.answerSdp()));
                byte[] tid = new byte[12];
                forger.random.nextBytes(tid);
                byte[] valid = StunCodec.encodeRequest(tid, new IceCredentials(LoopbackRig.Exchange.ufrag(exchange.offerSdp()),
                        "not-used-by-the-server-"), server, 1, 1, false);
                hostile.send(new DatagramPacket(valid, valid.length, rig.server().localAddress()));
                hostile.setSoTimeout(5000);
                hostile.receive(reply);
                assertThat(StunCodec.decodeSuccess(reply.getData(), 0, reply.getLength(), tid, server.pwd()))
                        .isEqualTo(hostile.getLocalSocketAddress());
            } finally {
                listener.close();
            }

            // The server still takes a new listener.
            WebRtcListener late = WebRtcListener.create(rig.runtime(), ListenerConfig.builder(rig.base(), SHOW).build());
            try {
                late.connect().get(15, TimeUnit.SECONDS);
                LoopbackRig.await(() -> late.stats().packets() >= 25, Duration.ofSeconds(10), () -> "25 packets for the late listener");
                assertThat(late.stats().drops(DropReason.AUTH)).isZero();
            } finally {
                late.close();
            }
            assertThat(rig.problems()).isEmpty();
        } finally {
            performer.shutdownNow();
        }
    }

    /**
     * Sends every kind, interleaved in a seeded random order, in bursts of {@link #BURST}; before the next burst it waits
     * until the server has counted all but the last burst, so no socket buffer overflows whatever its size. Returns how many
     * of each kind were sent.
     */
    private static Map<Kind, Integer> blast(DatagramSocket socket, MediaServer server, Forger forger)
            throws IOException, InterruptedException {
        Kind[] order = Arrays.stream(Kind.values()).flatMap(k -> Stream.generate(() -> k).limit(k.count))
                .toArray(Kind[]::new);
        Random random = forger.random;
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Kind t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Map<Kind, Integer> sent = new EnumMap<>(Kind.class);
        InetSocketAddress target = server.localAddress();
        long base = dropped(server);
        for (int i = 0; i < order.length; i++) {
            byte[] datagram = forger.forge(order[i]);
            socket.send(new DatagramPacket(datagram, datagram.length, target.getAddress(), target.getPort()));
            sent.merge(order[i], 1, Integer::sum);
            if (i % BURST == BURST - 1) {
                int behind = i + 1 - BURST;
                LoopbackRig.await(() -> dropped(server) - base >= behind, Duration.ofSeconds(5),
                        () -> behind + " drops counted (counted " + (dropped(server) - base) + ", sent " + sent + ")");
            }
        }
        return sent;
    }

    /** The drop counters summed, read directly (cheap enough to poll per burst). */
    private static long dropped(MediaServer server) {
        return Arrays.stream(dev.encore.media.DropReason.values()).mapToLong(server.mediaMetrics()::dropped).sum();
    }

    /** Builds the hostile datagrams; deterministic for a seed. */
    private static final class Forger {
        private final Random random;
        private final String serverUfrag;
        private final String clientUfrag;
        private final long ssrc;
        private final IntSupplier liveSequence;

        Forger(Random random, String serverUfrag, String clientUfrag, long ssrc, IntSupplier liveSequence) {
            this.random = random;
            this.serverUfrag = serverUfrag;
            this.clientUfrag = clientUfrag;
            this.ssrc = ssrc;
            this.liveSequence = liveSequence;
        }

        byte[] forge(Kind kind) {
            return switch (kind) {
                case RANDOM_BYTES -> bytes(random.nextInt(1501));
                case TRUNCATED_STUN -> {
                    byte[] full = bindingRequest(randomCredentials(), randomCredentials());
                    yield Arrays.copyOf(full, 1 + random.nextInt(full.length - 1));
                }
                case UNKNOWN_UFRAG_STUN -> bindingRequest(randomCredentials(), randomCredentials());
                case SPOOFED_STUN_WRONG_PASSWORD -> bindingRequest(new IceCredentials(clientUfrag, "x".repeat(24)),
                        new IceCredentials(serverUfrag, randomCredentials().pwd()));
                case SPOOFED_STUN_NO_INTEGRITY -> bindingRequestWithoutIntegrity(serverUfrag + ":" + clientUfrag);
                case DTLS_CLIENT_HELLO -> clientHello();
                case RTP -> rtp(random.nextInt(1 << 16), random.nextInt(), bytes(random.nextInt(400)));
                case SRTP_REPLAY -> rtp((liveSequence.getAsInt() + random.nextInt(50)) & 0xFFFF, ssrc,
                        bytes(100 + random.nextInt(300) + 10));
                case SRTCP -> srtcp();
                case OVERSIZED -> bytes(1501 + random.nextInt(7500));
            };
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }

        private IceCredentials randomCredentials() {
            String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            StringBuilder ufrag = new StringBuilder();
            StringBuilder pwd = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                ufrag.append(chars.charAt(random.nextInt(chars.length())));
            }
            for (int i = 0; i < 24; i++) {
                pwd.append(chars.charAt(random.nextInt(chars.length())));
            }
            return new IceCredentials(ufrag.toString(), pwd.toString());
        }

        /** A controlling agent's check, USERNAME {@code remote.ufrag:local.ufrag}, keyed with {@code remote.pwd}. */
        private byte[] bindingRequest(IceCredentials local, IceCredentials remote) {
            return StunCodec.encodeRequest(bytes(12), local, remote, 1 + random.nextInt(Integer.MAX_VALUE), random.nextLong(),
                    random.nextBoolean());
        }

        /** RFC 8489 §5: header, USERNAME (§14.3, padded to 4), FINGERPRINT (§14.7) and no MESSAGE-INTEGRITY. */
        private byte[] bindingRequestWithoutIntegrity(String username) {
            byte[] user = username.getBytes(StandardCharsets.UTF_8);
            int userAttr = 4 + ((user.length + 3) & ~3);
            ByteBuffer b = ByteBuffer.allocate(20 + userAttr + 8);
            b.putShort((short) 0x0001).putShort((short) (userAttr + 8)).putInt(0x2112A442).put(bytes(12));
            b.putShort((short) 0x0006).putShort((short) user.length).put(user);
            b.position(20 + userAttr);
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, 20 + userAttr);
            b.putShort((short) 0x8028).putShort((short) 4).putInt((int) (crc.getValue() ^ 0x5354554EL));
            return b.array();
        }

        /** A DTLSPlaintext record (type 22, DTLS 1.2, epoch 0) with a ClientHello handshake message, random body. */
        private byte[] clientHello() {
            byte[] body = bytes(60 + random.nextInt(200));
            ByteBuffer b = ByteBuffer.allocate(13 + 12 + body.length);
            b.put((byte) 22).putShort((short) 0xFEFD).putShort((short) 0).putShort((short) 0).putInt(random.nextInt(100))
                    .putShort((short) (12 + body.length));
            b.put((byte) 1).put(uint24(body.length)).putShort((short) 0).put(uint24(0)).put(uint24(body.length));
            body[0] = (byte) 0xFE; // client_version DTLS 1.2
            body[1] = (byte) 0xFD;
            b.put(body);
            return b.array();
        }

        private static byte[] uint24(int v) {
            return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }

        private static byte[] rtp(int seq, long ssrc, byte[] payload) {
            byte[] out = new byte[RtpPacket.FIXED_HEADER_LENGTH + payload.length];
            int n = RtpPacket.write(out, 0, 111, false, seq, seq * 960L, ssrc, payload, 0, payload.length);
            return Arrays.copyOf(out, n);
        }

        /** A receiver report (RFC 3550 §6.4.2) with 0 or 1 random blocks, then E bit + SRTCP index and a 10-byte tag (RFC 3711 §3.4). */
        private byte[] srtcp() {
            int blocks = random.nextInt(2);
            int rtcp = 8 + 24 * blocks;
            ByteBuffer b = ByteBuffer.allocate(rtcp + 4 + 10);
            b.put((byte) (0x80 | blocks)).put((byte) 201).putShort((short) (rtcp / 4 - 1)).putInt(random.nextInt());
            b.put(bytes(24 * blocks));
            b.putInt(0x8000_0000 | random.nextInt(1 << 20));
            b.put(bytes(10));
            return b.array();
        }
    }
}
