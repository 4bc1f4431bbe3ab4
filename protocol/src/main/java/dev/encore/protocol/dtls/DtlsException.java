package dev.encore.protocol.dtls;

/** A DTLS handshake that failed; the message says why (never containing key material). */
public final class DtlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public DtlsException(String message) {
        super(message);
    }

    public DtlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
