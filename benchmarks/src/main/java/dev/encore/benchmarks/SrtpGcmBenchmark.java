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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one audio packet's AEAD_AES_128_GCM SRTP costs (RFC 7714), protect and unprotect together (the server protects
 * each listener's copy, every listener unprotects): our {@link SrtpSession} over jitsi-srtp (OpenSSL through JNI where its
 * native library loads, the cipher re-initialised for each packet), against the bare AES-GCM of the JDK's {@link Cipher}
 * on the same 12-byte header and 160-byte payload, new IV per packet. The JDK figure is a floor for a hand-written SRTP
 * on it (which adds the RFC 7714 IV, rollover and replay bookkeeping), to tell whether writing one would pay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SrtpGcmBenchmark {
    private static final int HEADER = 12;
    private static final int PAYLOAD = 160;

    private SrtpSession server;
    private SrtpSession client;
    private final byte[] packet = new byte[HEADER + PAYLOAD + SrtpSession.MAX_OVERHEAD];
    private int seq;

    private Cipher encrypt;
    private Cipher decrypt;
    private SecretKeySpec key;
    private final byte[] iv = new byte[12];
    private final byte[] sealed = new byte[PAYLOAD + 16];
    private final byte[] opened = new byte[PAYLOAD];

    @Setup
    public void setUp() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[][] k = new byte[4][];
        for (int i = 0; i < 4; i++) {
            k[i] = new byte[i % 2 == 0 ? 16 : 12];
            random.nextBytes(k[i]);
        }
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, k[0], k[1], k[2], k[3]);
        server = SrtpSession.forServer(keys);
        client = SrtpSession.forClient(keys);
        random.nextBytes(packet);
        packet[0] = (byte) 0x80;
        packet[1] = 111;
        key = new SecretKeySpec(k[2], "AES");
        encrypt = Cipher.getInstance("AES/GCM/NoPadding");
        decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        random.nextBytes(iv);
    }

    /** One packet through our SRTP: the server protects it, the client unprotects it. */
    @Benchmark
    public int srtpSessionProtectAndUnprotect() {
        seq = (seq + 1) & 0xFFFF;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        int n = server.protectRtp(packet, 0, HEADER + PAYLOAD);
        return client.unprotectRtp(packet, 0, n);
    }

    /** The same bytes through the JDK's AES-GCM: seal with the header as AAD, then open, a new IV each time. */
    @Benchmark
    public int jdkGcmSealAndOpen() throws GeneralSecurityException {
        seq++;
        iv[10] = (byte) (seq >> 8);
        iv[11] = (byte) seq;
        GCMParameterSpec spec = new GCMParameterSpec(128, iv);
        encrypt.init(Cipher.ENCRYPT_MODE, key, spec);
        encrypt.updateAAD(packet, 0, HEADER);
        int n = encrypt.doFinal(packet, HEADER, PAYLOAD, sealed, 0);
        decrypt.init(Cipher.DECRYPT_MODE, key, spec);
        decrypt.updateAAD(packet, 0, HEADER);
        return decrypt.doFinal(sealed, 0, n, opened, 0);
    }
}
