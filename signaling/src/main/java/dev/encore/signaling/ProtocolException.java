package dev.encore.signaling;

import static java.util.Objects.requireNonNull;

/**
 * A client message the channel refuses: {@link #code} for machines, the message ("what was wrong (expected: …)") for
 * people; both go to the client in an {@code error}. Quotes client input only after cutting it short.
 */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String id;
    private final String code;

    ProtocolException(String id, String code, String reason) {
        super(requireNonNull(reason, "reason"), null, false, false);
        this.id = id;
        this.code = requireNonNull(code, "code");
    }

    /** The refused message's correlation id, or null. */
    String id() {
        return id;
    }

    String code() {
        return code;
    }
}
