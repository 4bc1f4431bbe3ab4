package dev.encore.protocol;

import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.dtls.DtlsWarmUp;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.protocol.stun.StunException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Runs what every join and every packet go through, in memory and on both sides (offer and answer, ICE check and its
 * answer, DTLS client and server, SRTP and SRTCP out and in with the profile they negotiate), so that the JIT compiles
 * it before real peers arrive. The C2 compiler takes a method only after thousands of calls, and per-join code is called
 * a few times per join: a freshly started process compiled it during the first storm, on the CPU that storm needed
 * (docs/benchmarks.md).
 *
 * <p>Opens no socket. Runs on the caller's thread (the DTLS part on two threads of its own, stopped before it returns).
 */
public final class JoinPathWarmUp {
    private JoinPathWarmUp() {
    }

    /** What a warm-up did. */
    public record Done(int handshakes, int joins, int packets, long millis) {
    }

    /**
     * Runs up to {@code handshakes} DTLS handshakes ({@link DtlsWarmUp}), then up to {@code joins} offer/answer and
     * ICE exchanges and {@code packets} SRTP packets per profile, stopping when {@code budget} has passed.
     */
    public static Done run(int handshakes, int joins, int packets, Duration budget) {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int shaken = DtlsWarmUp.run(handshakes, budget);
        int joined = joins(joins, deadline);
        // Only the profile our endpoints negotiate: running the others through the same code would leave the JIT with type
        // profiles of classes the run never uses, and code compiled for them.
        int sealed = srtp(SrtpSession.preferredProfile(), packets, deadline);
        return new Done(shaken, joined, sealed, (System.nanoTime() - start) / 1_000_000);
    }

    static boolean late(long deadline) {
        return System.nanoTime() - deadline > 0;
    }

    private static int joins(int joins, long deadline) {
        DtlsIdentity identity = DtlsIdentity.generate();
        IceCredentials server = IceCredentials.random();
        InetSocketAddress mapped = new InetSocketAddress("127.0.0.1", 9);
        int done = 0;
        try {
            while (done < joins && (done % 64 != 0 || !late(deadline))) {
                IceCredentials client = IceCredentials.random();
                String offer = WebRtcSdp.offer(new LocalMedia(client, identity.fingerprint(), null, 0, Direction.RECVONLY,
                        done + 1, "warm-up", "warm-up", true, 0));
                AudioOffer parsed = WebRtcSdp.parseOffer(offer);
                String answer = WebRtcSdp.answer(parsed, new LocalMedia(server, identity.fingerprint(), "127.0.0.1", 9,
                        Direction.SENDONLY, 7, "warm-up", "warm-up", true, 0));
                WebRtcSdp.parseAnswer(answer);
                byte[] txId = StunCodec.newTransactionId();
                byte[] request = StunCodec.encodeRequest(txId, client, server, 0x6E7F_FFFFL, done, true, true);
                StunCodec.peekUsername(request, 0, request.length);
                BindingRequest check = StunCodec.decodeRequest(request, 0, request.length, server);
                byte[] success = StunCodec.encodeSuccess(check, mapped, server);
                StunCodec.decodeSuccess(success, 0, success.length, txId, server.pwd());
                done++;
            }
        } catch (SdpException | StunException e) {
            throw new IllegalStateException("the warm-up's own join did not parse: " + e.getMessage(), e);
        }
        return done;
    }

    private static int srtp(SrtpProfile profile, int packets, long deadline) {
        byte[] keyAndSalt = new byte[profile.keyLength() + profile.saltLength()];
        byte[] rtp = new byte[12 + 180 + SrtpSession.MAX_OVERHEAD];
        byte[] rtcp = new byte[8 + 24 + SrtpSession.MAX_OVERHEAD];
        int done = 0;
        try (SrtpSession out = SrtpSession.outboundOnly(profile, keyAndSalt);
                SrtpSession in = SrtpSession.inboundOnly(profile, keyAndSalt)) {
            while (done < packets && (done % 1024 != 0 || !late(deadline))) {
                rtp[0] = (byte) 0x80;
                rtp[1] = 111;
                rtp[2] = (byte) (done >> 8);
                rtp[3] = (byte) done;
                int n = out.protectRtp(rtp, 0, 192);
                in.unprotectRtp(rtp, 0, n);
                if (done % 50 == 0) {
                    rtcp[0] = (byte) 0x81;
                    rtcp[1] = (byte) 201;
                    rtcp[3] = 7;
                    int m = out.protectRtcp(rtcp, 0, 32);
                    in.unprotectRtcp(rtcp, 0, m);
                }
                done++;
            }
        } catch (RuntimeException e) {
            // a profile this machine cannot run is not needed either
        }
        return done;
    }
}
