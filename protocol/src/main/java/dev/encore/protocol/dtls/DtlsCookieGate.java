package dev.encore.protocol.dtls;

import java.util.function.Consumer;

/**
 * The stateless cookie exchange of <a href="https://www.rfc-editor.org/rfc/rfc6347#section-4.2.1">RFC 6347 §4.2.1</a>:
 * a ClientHello without a valid cookie is answered with a HelloVerifyRequest and forgotten, so a spoofed ClientHello costs
 * no handshake state and no thread. Thread-safe.
 */
public final class DtlsCookieGate {

    /** A ClientHello that carried a valid cookie: pass it to {@link DtlsEndpoint#server}. */
    public interface Admission {
    }

    /**
     * Checks one datagram from the peer identified by {@code clientId} (e.g. its address bytes and port).
     *
     * @param reply where a HelloVerifyRequest goes when the hello has no valid cookie
     * @return the admission when the datagram is a ClientHello with a valid cookie, otherwise null (replied to or dropped)
     */
    public Admission admit(byte[] clientId, byte[] data, int off, int len, Consumer<byte[]> reply) {
        throw new UnsupportedOperationException("TODO");
    }
}
