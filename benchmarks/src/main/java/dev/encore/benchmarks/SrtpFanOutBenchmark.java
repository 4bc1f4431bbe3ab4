package dev.encore.benchmarks;

import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fan-out's SRTP as the media server runs it: one packet protected for each of {@code listeners} sessions in turn,
 * each with keys of its own (AEAD_AES_128_GCM, RFC 7714), so every protect touches another session's state, as it does
 * when one audio frame goes out to thousands of listeners. {@link SrtpGcmBenchmark} measures one session, whose state
 * stays in the cache; this one shows what the cache misses of a large audience add, for our {@link SrtpSession} (jitsi-srtp,
 * OpenSSL through JNI) and for the JDK's AES-GCM {@link Cipher} (a floor for a hand-written SRTP on it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SrtpFanOutBenchmark {
    private static final int HEADER = 12;
    private static final int PAYLOAD = 160;

    @Param({"1", "3000"})
    public int listeners;

    private SrtpSession[] sessions;
    private Cipher[] ciphers;
    private SecretKeySpec[] keys;
    private final byte[] frame = new byte[HEADER + PAYLOAD];
    private final byte[] packet = new byte[HEADER + PAYLOAD + SrtpSession.MAX_OVERHEAD];
    private final byte[] iv = new byte[12];
    private int next;
    private int seq;

    @Setup
    public void setUp() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        sessions = new SrtpSession[listeners];
        ciphers = new Cipher[listeners];
        keys = new SecretKeySpec[listeners];
        for (int i = 0; i < listeners; i++) {
            byte[][] k = new byte[4][];
            for (int j = 0; j < 4; j++) {
                k[j] = new byte[j % 2 == 0 ? 16 : 12];
                random.nextBytes(k[j]);
            }
            sessions[i] = SrtpSession.forServer(new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, k[0], k[1], k[2], k[3]));
            ciphers[i] = Cipher.getInstance("AES/GCM/NoPadding");
            keys[i] = new SecretKeySpec(k[2], "AES");
        }
        random.nextBytes(frame);
        frame[0] = (byte) 0x80;
        frame[1] = 111;
        random.nextBytes(iv);
    }

    private int nextListener() {
        int i = next;
        next = i + 1 == listeners ? 0 : i + 1;
        if (i == 0) {
            seq = (seq + 1) & 0xFFFF;
            frame[2] = (byte) (seq >> 8);
            frame[3] = (byte) seq;
        }
        return i;
    }

    /** The next listener's copy of the frame, protected by our {@link SrtpSession}. */
    @Benchmark
    public int srtpSessionProtect() {
        int i = nextListener();
        System.arraycopy(frame, 0, packet, 0, frame.length);
        return sessions[i].protectRtp(packet, 0, frame.length);
    }

    /** The next listener's copy sealed by the JDK's AES-GCM with that listener's key: the header as AAD, a new IV. */
    @Benchmark
    public int jdkGcmSeal() throws GeneralSecurityException {
        int i = nextListener();
        iv[10] = (byte) (seq >> 8);
        iv[11] = (byte) seq;
        Cipher c = ciphers[i];
        c.init(Cipher.ENCRYPT_MODE, keys[i], new GCMParameterSpec(128, iv));
        c.updateAAD(frame, 0, HEADER);
        return c.doFinal(frame, HEADER, PAYLOAD, packet, HEADER);
    }
}
