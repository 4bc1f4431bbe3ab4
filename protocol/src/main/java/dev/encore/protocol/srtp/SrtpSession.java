package dev.encore.protocol.srtp;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP (RFC 3711; AES-GCM RFC 7714) for one peer, over jitsi-srtp: an outbound context keyed with our write keys
 * and an inbound context keyed with the peer's. Contexts keep per-SSRC rollover and replay state. Does no I/O.
 *
 * <p>Thread-safety: protect and unprotect may be called from different threads; each direction is synchronized by
 * jitsi-srtp. Buffers must have {@link #MAX_OVERHEAD} bytes of room after the packet for protect.
 *
 * <p>Hostile input: the unprotect methods never throw on packet contents. An inbound context for a new SSRC is kept only
 * once a packet with that SSRC authenticated, and at most {@value #MAX_INBOUND_SSRCS} are kept per direction, so forged
 * SSRCs cannot grow the maps.
 */
public final class SrtpSession implements AutoCloseable {
    /** The most bytes protect adds to an RTP or RTCP packet (tag, SRTCP index). */
    public static final int MAX_OVERHEAD = 16 + 4;

    /** Status codes returned (negated) by the unprotect methods. */
    public static final int FAIL_AUTH = -1;
    public static final int FAIL_REPLAY = -2;
    public static final int FAIL_MALFORMED = -3;

    /** Inbound SSRCs remembered per direction (RTP, RTCP); a publisher sends one audio SSRC, a listener a few RTCP ones. */
    static final int MAX_INBOUND_SSRCS = 32;

    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;
    /** The E flag and 31-bit SRTCP index after the encrypted RTCP (RFC 3711 §3.4). */
    private static final int SRTCP_INDEX = 4;
    private static final Logger JITSI_LOG = quietLogger();

    private final SrtpProfile profile;
    private final SrtpContextFactory outbound;
    private final SrtpContextFactory inbound;
    private final Map<Integer, SrtpCryptoContext> rtpOut = new ConcurrentHashMap<>();
    private final Map<Integer, SrtpCryptoContext> rtpIn = new ConcurrentHashMap<>();
    private final Map<Integer, SrtcpCryptoContext> rtcpOut = new ConcurrentHashMap<>();
    private final Map<Integer, SrtcpCryptoContext> rtcpIn = new ConcurrentHashMap<>();
    /**
     * The last RTP context used per direction: a stream has one SSRC, so the per-packet lookup (boxing the SSRC, a capturing
     * lambda, a map probe) is skipped. Immutable pairs behind volatile fields, so any thread may read them.
     */
    private volatile RtpContext lastRtpOut;
    private volatile RtpContext lastRtpIn;

    private SrtpSession(SrtpProfile profile, byte[] outKey, byte[] outSalt, byte[] inKey, byte[] inSalt) {
        this.profile = profile;
        this.outbound = outKey == null ? null : factory(true, profile, outKey, outSalt);
        this.inbound = inKey == null ? null : factory(false, profile, inKey, inSalt);
    }

    /** The session for the DTLS server side: we write with the server keys and read with the client keys. */
    public static SrtpSession forServer(SrtpKeys keys) {
        requireNonNull(keys, "keys");
        return new SrtpSession(keys.profile(), keys.serverKey(), keys.serverSalt(), keys.clientKey(), keys.clientSalt());
    }

    /** The session for the DTLS client side. */
    public static SrtpSession forClient(SrtpKeys keys) {
        requireNonNull(keys, "keys");
        return new SrtpSession(keys.profile(), keys.clientKey(), keys.clientSalt(), keys.serverKey(), keys.serverSalt());
    }

    /**
     * An inbound-only session from a pre-shared key (SDES-style, as ffmpeg's {@code -srtp_out_params}): 30 bytes key||salt
     * for AES_CM_128_HMAC_SHA1_80.
     */
    public static SrtpSession inboundOnly(SrtpProfile profile, byte[] masterKeyAndSalt) {
        requireNonNull(profile, "profile");
        byte[][] keySalt = split(profile, masterKeyAndSalt);
        return new SrtpSession(profile, null, null, keySalt[0], keySalt[1]);
    }

    /** An outbound-only session from a pre-shared key, the mirror of {@link #inboundOnly} (used by tests and benchmarks). */
    public static SrtpSession outboundOnly(SrtpProfile profile, byte[] masterKeyAndSalt) {
        requireNonNull(profile, "profile");
        byte[][] keySalt = split(profile, masterKeyAndSalt);
        return new SrtpSession(profile, keySalt[0], keySalt[1], null, null);
    }

    /**
     * The best profile available here: AEAD_AES_128_GCM when jitsi-srtp's native library loaded, else AES_CM. Pure-Java GCM
     * measured about 5x slower than AES-CM with HMAC-SHA1, native GCM about as fast.
     */
    public static SrtpProfile preferredProfile() {
        return NativeSrtp.LOADED ? SrtpProfile.AEAD_AES_128_GCM : SrtpProfile.AES_CM_128_HMAC_SHA1_80;
    }

    /** The negotiated profile. */
    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Encrypts and authenticates an RTP packet in place; returns the new length. Returns {@link #FAIL_REPLAY} instead when
     * this SSRC and sequence number were already protected (jitsi-srtp refuses to reuse a keystream).
     *
     * @throws IllegalArgumentException if the bytes are not an RTP packet or there is no room for the tag
     * @throws IllegalStateException if this session has no outbound keys
     */
    public int protectRtp(byte[] buf, int off, int len) {
        requireOutbound("protectRtp");
        checkRange(buf, off, len);
        if (len < RTP_HEADER || (buf[off] & 0xC0) != 0x80) {
            throw new IllegalArgumentException("RTP packet: " + len + " bytes, first byte " + (buf[off] & 0xFF)
                    + " (expected: >= 12 bytes, version 2)");
        }
        checkRoom(buf, off, len, profile.tagLength());
        int ssrc = readInt(buf, off + 8);
        RtpContext last = lastRtpOut;
        SrtpCryptoContext context;
        if (last != null && last.ssrc == ssrc) {
            context = last.context;
        } else {
            context = rtpOut.computeIfAbsent(ssrc, s -> deriveRtp(outbound, s));
            lastRtpOut = new RtpContext(ssrc, context);
        }
        PacketBuffer packet = new PacketBuffer(buf, off, len);
        return protectResult(transformRtp(context, packet), packet, "RTP");
    }

    /** Verifies and decrypts an SRTP packet in place; returns the plaintext length, or a negative FAIL_* code. */
    public int unprotectRtp(byte[] buf, int off, int len) {
        requireInbound("unprotectRtp");
        if (!isRtp(buf, off, len, profile.tagLength())) {
            return FAIL_MALFORMED;
        }
        int ssrc = readInt(buf, off + 8);
        RtpContext last = lastRtpIn;
        SrtpCryptoContext context = last != null && last.ssrc == ssrc ? last.context : rtpIn.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtpIn.size() >= MAX_INBOUND_SSRCS) {
                return FAIL_MALFORMED;
            }
            context = deriveRtp(inbound, ssrc);
        }
        PacketBuffer packet = new PacketBuffer(buf, off, len);
        SrtpErrorStatus status;
        try {
            status = context.reverseTransformPacket(packet, false);
        } catch (GeneralSecurityException | RuntimeException e) {
            return FAIL_MALFORMED;
        }
        if (status == SrtpErrorStatus.OK && (last == null || last.ssrc != ssrc)) {
            if (fresh) {
                SrtpCryptoContext winner = rtpIn.putIfAbsent(ssrc, context);
                context = winner != null ? winner : context;
            }
            lastRtpIn = new RtpContext(ssrc, context);
        }
        return unprotectResult(status, packet);
    }

    /**
     * Encrypts and authenticates an RTCP packet in place; returns the new length.
     *
     * @throws IllegalArgumentException if the bytes are not an RTCP packet or there is no room for index and tag
     * @throws IllegalStateException if this session has no outbound keys
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        requireOutbound("protectRtcp");
        checkRange(buf, off, len);
        if (len < RTCP_HEADER || (buf[off] & 0xC0) != 0x80) {
            throw new IllegalArgumentException("RTCP packet: " + len + " bytes, first byte " + (buf[off] & 0xFF)
                    + " (expected: >= 8 bytes, version 2)");
        }
        checkRoom(buf, off, len, SRTCP_INDEX + profile.tagLength());
        SrtcpCryptoContext context = rtcpOut.computeIfAbsent(readInt(buf, off + 4), ssrc -> deriveRtcp(outbound, ssrc));
        PacketBuffer packet = new PacketBuffer(buf, off, len);
        SrtpErrorStatus status;
        try {
            status = context.transformPacket(packet);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP encryption failed", e);
        }
        return protectResult(status, packet, "RTCP");
    }

    /** Verifies and decrypts an SRTCP packet in place; returns the plaintext length, or a negative FAIL_* code. */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        requireInbound("unprotectRtcp");
        if (!isSrtcp(buf, off, len, profile.tagLength())) {
            return FAIL_MALFORMED;
        }
        int ssrc = readInt(buf, off + 4);
        SrtcpCryptoContext context = rtcpIn.get(ssrc);
        boolean fresh = context == null;
        if (fresh) {
            if (rtcpIn.size() >= MAX_INBOUND_SSRCS) {
                return FAIL_MALFORMED;
            }
            context = deriveRtcp(inbound, ssrc);
        }
        PacketBuffer packet = new PacketBuffer(buf, off, len);
        SrtpErrorStatus status;
        try {
            status = context.reverseTransformPacket(packet);
        } catch (GeneralSecurityException | RuntimeException e) {
            return FAIL_MALFORMED;
        }
        if (status == SrtpErrorStatus.OK && fresh) {
            rtcpIn.putIfAbsent(ssrc, context);
        }
        return unprotectResult(status, packet);
    }

    @Override
    public void close() {
        lastRtpOut = null;
        lastRtpIn = null;
        rtpOut.clear();
        rtpIn.clear();
        rtcpOut.clear();
        rtcpIn.clear();
        if (outbound != null) {
            outbound.close();
        }
        if (inbound != null) {
            inbound.close();
        }
    }

    @Override
    public String toString() {
        return "SrtpSession[" + profile + (outbound == null ? "" : ", out") + (inbound == null ? "" : ", in") + "]";
    }

    /** An SSRC and its context. */
    private record RtpContext(int ssrc, SrtpCryptoContext context) {
    }

    private static SrtpErrorStatus transformRtp(SrtpCryptoContext context, PacketBuffer packet) {
        try {
            return context.transformPacket(packet);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP encryption failed", e);
        }
    }

    private static int protectResult(SrtpErrorStatus status, PacketBuffer packet, String what) {
        return switch (status) {
            case OK -> packet.getLength();
            case REPLAY_FAIL, REPLAY_OLD -> FAIL_REPLAY;
            default -> throw new IllegalStateException(what + " protect failed: " + status + " (expected: OK)");
        };
    }

    private static int unprotectResult(SrtpErrorStatus status, PacketBuffer packet) {
        return switch (status) {
            case OK -> packet.getLength();
            case REPLAY_FAIL, REPLAY_OLD -> FAIL_REPLAY;
            case AUTH_FAIL, FAIL -> FAIL_AUTH;
            default -> FAIL_MALFORMED;
        };
    }

    /** A structurally valid SRTP packet: version 2, the whole header (CSRCs, extension) and the tag fit in {@code len}. */
    private static boolean isRtp(byte[] buf, int off, int len, int tagLength) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len || len < RTP_HEADER + tagLength) {
            return false;
        }
        int first = buf[off] & 0xFF;
        if ((first & 0xC0) != 0x80) {
            return false;
        }
        int header = RTP_HEADER + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (header + 4 > len - tagLength) {
                return false;
            }
            header += 4 + 4 * (((buf[off + header + 2] & 0xFF) << 8) | (buf[off + header + 3] & 0xFF));
        }
        return header <= len - tagLength;
    }

    /** A structurally valid SRTCP packet: version 2, header, SRTCP index and tag fit in {@code len}. */
    private static boolean isSrtcp(byte[] buf, int off, int len, int tagLength) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len || len < RTCP_HEADER + SRTCP_INDEX + tagLength) {
            return false;
        }
        return (buf[off] & 0xC0) == 0x80;
    }

    private void requireOutbound(String method) {
        if (outbound == null) {
            throw new IllegalStateException(method + ": this session is inbound-only (expected: a session with outbound keys)");
        }
    }

    private void requireInbound(String method) {
        if (inbound == null) {
            throw new IllegalStateException(method + ": this session is outbound-only (expected: a session with inbound keys)");
        }
    }

    private static void checkRange(byte[] buf, int off, int len) {
        requireNonNull(buf, "buf");
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + " (expected: within " + buf.length + " bytes)");
        }
    }

    private static void checkRoom(byte[] buf, int off, int len, int needed) {
        int room = buf.length - off - len;
        if (room < needed) {
            throw new IllegalArgumentException("room after the packet: " + room + " bytes (expected: >= " + needed + ")");
        }
    }

    private static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }

    private static SrtpCryptoContext deriveRtp(SrtpContextFactory factory, int ssrc) {
        try {
            return factory.deriveContext(ssrc, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP key derivation failed", e);
        }
    }

    private static SrtcpCryptoContext deriveRtcp(SrtpContextFactory factory, int ssrc) {
        try {
            return factory.deriveControlContext(ssrc);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP key derivation failed", e);
        }
    }

    private static byte[][] split(SrtpProfile profile, byte[] masterKeyAndSalt) {
        requireNonNull(masterKeyAndSalt, "masterKeyAndSalt");
        int expected = profile.keyLength() + profile.saltLength();
        if (masterKeyAndSalt.length != expected) {
            throw new IllegalArgumentException("master key and salt: " + masterKeyAndSalt.length + " bytes (expected: "
                    + expected + " for " + profile + ")");
        }
        return new byte[][] {
            Arrays.copyOfRange(masterKeyAndSalt, 0, profile.keyLength()),
            Arrays.copyOfRange(masterKeyAndSalt, profile.keyLength(), expected),
        };
    }

    private static SrtpContextFactory factory(boolean sender, SrtpProfile profile, byte[] key, byte[] salt) {
        requireNonNull(key, "key");
        requireNonNull(salt, "salt");
        if (key.length != profile.keyLength() || salt.length != profile.saltLength()) {
            throw new IllegalArgumentException("key/salt: " + key.length + "/" + salt.length + " bytes (expected: "
                    + profile.keyLength() + "/" + profile.saltLength() + " for " + profile + ")");
        }
        SrtpPolicy policy = policy(profile);
        return new SrtpContextFactory(sender, key.clone(), salt.clone(), policy, policy, JITSI_LOG);
    }

    /** jitsi-srtp policies: RFC 3711 §5 / RFC 5764 §4.1.2 for AES-CM, RFC 7714 §14.2 for GCM (16-byte tag, 12-byte salt). */
    static SrtpPolicy policy(SrtpProfile profile) {
        return switch (profile) {
            case AES_CM_128_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength(),
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, profile.tagLength(), profile.saltLength());
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength(),
                    SrtpPolicy.NULL_AUTHENTICATION, 0, profile.tagLength(), profile.saltLength());
        };
    }

    /** jitsi-srtp logs replay and auth failures per packet: those are counted by the caller, so keep only warnings. */
    private static Logger quietLogger() {
        Logger logger = new LoggerImpl(SrtpSession.class.getName());
        logger.setLevel(Level.WARNING);
        return logger;
    }

    /** Whether jitsi-srtp's OpenSSL-backed provider loaded; asked once, lazily. */
    private static final class NativeSrtp {
        static final boolean LOADED = probe();

        private static boolean probe() {
            try {
                return JitsiOpenSslProvider.isLoaded();
            } catch (LinkageError e) {
                return false;
            }
        }
    }

    /** jitsi-srtp's view of a packet in the caller's array; never reallocates, since protect works in place. */
    static final class PacketBuffer implements org.jitsi.utils.ByteArrayBuffer {
        private final byte[] buf;
        private int offset;
        private int length;

        PacketBuffer(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public byte[] getBuffer() {
            return buf;
        }

        @Override
        public int getOffset() {
            return offset;
        }

        @Override
        public int getLength() {
            return length;
        }

        @Override
        public void setLength(int len) {
            if (len < 0 || len > buf.length - offset) {
                throw new IndexOutOfBoundsException("length " + len + " (expected: 0.." + (buf.length - offset) + ")");
            }
            length = len;
        }

        @Override
        public void setOffset(int off) {
            if (off < 0 || off > buf.length - length) {
                throw new IndexOutOfBoundsException("offset " + off + " (expected: 0.." + (buf.length - length) + ")");
            }
            offset = off;
        }

        @Override
        public boolean isInvalid() {
            return false;
        }

        @Override
        public void readRegionToBuff(int off, int len, byte[] outBuf) {
            System.arraycopy(buf, offset + off, outBuf, 0, len);
        }

        @Override
        public void grow(int howMuch) {
            if (howMuch > buf.length - offset - length) {
                throw new IllegalStateException("no room to grow by " + howMuch + " bytes (expected: room after the packet)");
            }
        }

        @Override
        public void append(byte[] data, int len) {
            grow(len);
            System.arraycopy(data, 0, buf, offset + length, len);
            length += len;
        }

        @Override
        public void shrink(int len) {
            if (len > 0) {
                length = Math.max(0, length - len);
            }
        }
    }
}
