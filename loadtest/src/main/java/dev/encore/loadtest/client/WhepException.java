package dev.encore.loadtest.client;

/**
 * A WHEP exchange that did not give an answer: the server's status and (truncated) body, or why there was no response.
 * Never carries the bearer token.
 */
public final class WhepException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    WhepException(int status, String message) {
        super(message);
        this.status = status;
    }

    WhepException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }
}
