package dev.encore.media;

import dev.encore.protocol.srtp.SrtpSession;

/**
 * The SRTP operations a listener's leg needs, in place on a byte array (RFC 3711). Production code adapts the protocol
 * module's {@link SrtpSession}; router tests use a transparent fake. Return values follow {@link SrtpSession}: the new
 * length, or a negative {@code SrtpSession.FAIL_*} code from the unprotect methods.
 *
 * <p>Thread: protect is called by the listener's shard event loop; unprotect by whichever loop received the datagram.
 */
interface SrtpTransform extends AutoCloseable {

    int protectRtp(byte[] buf, int off, int len);

    int protectRtcp(byte[] buf, int off, int len);

    int unprotectRtcp(byte[] buf, int off, int len);

    @Override
    void close();

    static SrtpTransform of(SrtpSession session) {
        return new SrtpTransform() {
            @Override
            public int protectRtp(byte[] buf, int off, int len) {
                return session.protectRtp(buf, off, len);
            }

            @Override
            public int protectRtcp(byte[] buf, int off, int len) {
                return session.protectRtcp(buf, off, len);
            }

            @Override
            public int unprotectRtcp(byte[] buf, int off, int len) {
                return session.unprotectRtcp(buf, off, len);
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
