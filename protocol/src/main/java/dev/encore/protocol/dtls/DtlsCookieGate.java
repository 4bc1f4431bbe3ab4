package dev.encore.protocol.dtls;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The stateless cookie exchange of <a href="https://www.rfc-editor.org/rfc/rfc6347#section-4.2.1">RFC 6347 §4.2.1</a>:
 * a ClientHello without a valid cookie is answered with a HelloVerifyRequest and forgotten, so a spoofed ClientHello costs
 * no handshake state and no thread. Thread-safe.
 *
 * <p>The cookie is an HMAC-SHA256, under a random key made when the gate is created, of the client id and the ClientHello
 * (BouncyCastle's {@link DTLSVerifier}). The key never rotates: make a new gate to invalidate old cookies.
 */
public final class DtlsCookieGate {
    /** The most bytes a HelloVerifyRequest may take; BouncyCastle's is about 60. */
    private static final int SEND_LIMIT = 1200;

    private final DTLSVerifier verifier = new DTLSVerifier(new BcTlsCrypto());

    /** A ClientHello that carried a valid cookie: pass it to {@link DtlsEndpoint#server}. */
    public interface Admission {
    }

    /** The BouncyCastle request behind an admission; only {@link DtlsEndpoint} unwraps it. */
    record Admitted(DTLSRequest request) implements Admission {
    }

    /**
     * Checks one datagram from the peer identified by {@code clientId} (e.g. its address bytes and port).
     *
     * @param reply where a HelloVerifyRequest goes when the hello has no valid cookie
     * @return the admission when the datagram is a ClientHello with a valid cookie, otherwise null (replied to or dropped)
     */
    public Admission admit(byte[] clientId, byte[] data, int off, int len, Consumer<byte[]> reply) {
        requireNonNull(clientId, "clientId");
        requireNonNull(data, "data");
        requireNonNull(reply, "reply");
        if (off < 0 || len < 0 || off > data.length - len) {
            return null;
        }
        DatagramSender sender = new DatagramSender() {
            @Override
            public int getSendLimit() {
                return SEND_LIMIT;
            }

            @Override
            public void send(byte[] buf, int sendOff, int sendLen) {
                reply.accept(Arrays.copyOfRange(buf, sendOff, sendOff + sendLen));
            }
        };
        // verifyRequest swallows malformed input (returns null) and is synchronized inside BouncyCastle.
        DTLSRequest request = verifier.verifyRequest(clientId, data, off, len, sender);
        return request == null ? null : new Admitted(request);
    }
}
