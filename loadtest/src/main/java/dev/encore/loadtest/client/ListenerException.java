package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

/** A listener session that failed, with the phase/reason it failed in. */
public final class ListenerException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    ListenerException(FailureReason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = requireNonNull(reason, "reason");
    }

    public FailureReason reason() {
        return reason;
    }
}
