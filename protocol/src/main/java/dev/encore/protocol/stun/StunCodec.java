package dev.encore.protocol.stun;

import java.net.InetSocketAddress;

/**
 * STUN (RFC 8489) for ICE connectivity checks (RFC 8445 §7), built on ice4j's message codec. Does no I/O.
 *
 * <p>The server side answers checks as an ICE-lite agent; the client side is what the Java WebRTC client sends.
 */
public final class StunCodec {
    private StunCodec() {
    }

    /** True if the bytes look like a STUN message (first two bits zero, magic cookie present, length consistent). */
    public static boolean isStun(byte[] data, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The USERNAME attribute of a Binding request, not yet authenticated: used only to find whose password to check with.
     * Returns null when the message is not a Binding request or has no USERNAME.
     */
    public static String peekUsername(byte[] data, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes and authenticates a Binding request addressed to us: USERNAME must start with {@code local.ufrag() + ":"},
     * MESSAGE-INTEGRITY must verify with {@code local.pwd()}, FINGERPRINT (if present) must match.
     *
     * @throws StunException naming what was wrong
     */
    public static BindingRequest decodeRequest(byte[] data, int offset, int length, IceCredentials local) throws StunException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A Binding success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (keyed by {@code local.pwd()}) and FINGERPRINT. */
    public static byte[] encodeSuccess(BindingRequest request, InetSocketAddress mapped, IceCredentials local) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * A Binding request from a controlling agent: USERNAME {@code remote.ufrag():local.ufrag()}, PRIORITY, ICE-CONTROLLING
     * with {@code tieBreaker}, USE-CANDIDATE when {@code nominate}, MESSAGE-INTEGRITY keyed by {@code remote.pwd()},
     * FINGERPRINT.
     */
    public static byte[] encodeRequest(byte[] transactionId, IceCredentials local, IceCredentials remote, long priority,
            long tieBreaker, boolean nominate) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes a Binding success response and checks its MESSAGE-INTEGRITY with {@code remotePwd}.
     *
     * @return the XOR-MAPPED-ADDRESS
     * @throws StunException naming what was wrong
     */
    public static InetSocketAddress decodeSuccess(byte[] data, int offset, int length, byte[] expectedTransactionId,
            String remotePwd) throws StunException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A fresh random 12-byte transaction id. */
    public static byte[] newTransactionId() {
        throw new UnsupportedOperationException("TODO");
    }
}
