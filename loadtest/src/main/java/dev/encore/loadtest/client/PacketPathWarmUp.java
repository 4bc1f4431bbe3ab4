package dev.encore.loadtest.client;

import dev.encore.audio.Frames;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.protocol.stun.StunException;
import io.github.jaredmdobson.concentus.OpusException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs a listener's per-packet code in memory before the first arrival, so that the JIT compiles it then and not during
 * the run: Opus decoding (the decode sample), SRTP and SRTCP in both directions, STUN checks and their answers. A
 * freshly started tool spent a third of its CPU in the C2 compiler during the first seconds of a join storm, most of it on
 * the Opus decoder (concentus), and that CPU was taken from the storm's handshakes. {@code DtlsWarmUp} does the same for
 * the DTLS handshake.
 *
 * <p>Opens no socket; runs on the caller's thread.
 */
public final class PacketPathWarmUp {
    private static final int TONE_FRAMES = 50;

    private PacketPathWarmUp() {
    }

    /**
     * Runs each part up to its count, stopping when {@code budget} has passed.
     *
     * @param decodes Opus frames to decode (a 440 Hz stereo tone at 96 kbps, as the synthetic performer sends)
     * @param packets SRTP packets to protect and unprotect per profile, and STUN checks to answer and verify
     * @return the Opus frames decoded
     */
    public static int run(int decodes, int packets, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int decoded = opus(decodes, deadline);
        for (SrtpProfile profile : SrtpProfile.values()) {
            srtp(profile, packets, deadline);
        }
        stun(packets, deadline);
        return decoded;
    }

    /**
     * Waits until the JIT compiler has been idle for 200 ms (its total compilation time stopped growing), at most
     * {@code atMost}: compilations the warm-up queued would otherwise run during the first arrivals.
     *
     * @return true when the compiler went idle (or the JVM does not report its compilation time)
     */
    public static boolean awaitCompilerIdle(Duration atMost) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return true;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        long last = jit.getTotalCompilationTime();
        while (!late(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return true;
            }
            last = now;
        }
        return false;
    }

    private static boolean late(long deadline) {
        return System.nanoTime() - deadline > 0;
    }

    private static int opus(int decodes, long deadline) {
        ToneSynth tone = new ToneSynth(440, 0.5, true);
        OpusFrameEncoder encoder = new OpusFrameEncoder(96_000, true);
        short[] pcm = new short[Frames.SAMPLES_PER_CHANNEL * 2];
        byte[] packet = new byte[Frames.MAX_PACKET_BYTES];
        byte[][] frames = new byte[TONE_FRAMES][];
        for (int i = 0; i < TONE_FRAMES; i++) {
            tone.render(pcm);
            frames[i] = Arrays.copyOf(packet, encoder.encode(pcm, packet));
        }
        PcmDecoder decoder = new PcmDecoder(true);
        short[] out = decoder.newBuffer();
        int done = 0;
        try {
            while (done < decodes && !late(deadline)) {
                byte[] f = frames[done % TONE_FRAMES];
                decoder.decode(f, 0, f.length, out);
                if (done % 10 == 9) {
                    decoder.conceal(out);
                }
                done++;
            }
        } catch (OpusException e) {
            throw new IllegalStateException("the warm-up's own tone did not decode: " + e.getMessage(), e);
        }
        return done;
    }

    private static void srtp(SrtpProfile profile, int packets, long deadline) {
        byte[] keyAndSalt = new byte[profile.keyLength() + profile.saltLength()];
        byte[] rtp = new byte[12 + 180 + SrtpSession.MAX_OVERHEAD];
        byte[] rtcp = new byte[8 + 24 + SrtpSession.MAX_OVERHEAD];
        try (SrtpSession out = SrtpSession.outboundOnly(profile, keyAndSalt);
                SrtpSession in = SrtpSession.inboundOnly(profile, keyAndSalt)) {
            for (int i = 0; i < packets && (i % 1024 != 0 || !late(deadline)); i++) {
                rtp[0] = (byte) 0x80;
                rtp[1] = 111;
                rtp[2] = (byte) (i >> 8);
                rtp[3] = (byte) i;
                int n = out.protectRtp(rtp, 0, 192);
                in.unprotectRtp(rtp, 0, n);
                if (i % 50 == 0) {
                    rtcp[0] = (byte) 0x81;
                    rtcp[1] = (byte) 201;
                    rtcp[3] = 7;
                    int m = out.protectRtcp(rtcp, 0, 32);
                    in.unprotectRtcp(rtcp, 0, m);
                }
            }
        } catch (RuntimeException e) {
            // a profile this machine cannot run is not needed by the run either
        }
    }

    private static void stun(int checks, long deadline) {
        IceCredentials client = IceCredentials.random();
        IceCredentials server = IceCredentials.random();
        InetSocketAddress mapped = new InetSocketAddress("127.0.0.1", 9);
        for (int i = 0; i < checks && (i % 256 != 0 || !late(deadline)); i++) {
            byte[] txId = StunCodec.newTransactionId();
            byte[] request = StunCodec.encodeRequest(txId, client, server, WebRtcSession.PRIORITY, i, true, i % 2 == 0);
            try {
                BindingRequest decoded = StunCodec.decodeRequest(request, 0, request.length, server);
                byte[] success = StunCodec.encodeSuccess(decoded, mapped, server);
                StunCodec.isStun(success, 0, success.length);
                StunCodec.decodeSuccess(success, 0, success.length, txId, server.pwd());
            } catch (StunException e) {
                throw new IllegalStateException("the warm-up's own STUN check did not verify: " + e.getMessage(), e);
            }
        }
    }
}
