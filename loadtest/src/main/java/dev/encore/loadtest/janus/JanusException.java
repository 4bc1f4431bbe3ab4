package dev.encore.loadtest.janus;

/** Janus answered something a listener cannot use: an API error, an unexpected status or body, no offer in time. */
public final class JanusException extends Exception {
    private static final long serialVersionUID = 1L;

    JanusException(String message) {
        super(message);
    }

    JanusException(String message, Throwable cause) {
        super(message, cause);
    }
}
