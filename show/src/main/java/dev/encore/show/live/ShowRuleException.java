package dev.encore.show.live;

import static java.util.Objects.requireNonNull;

/**
 * A command that the show's rules refuse. {@link #refusal()} (and {@link #code()}, its wire form) is for machines; the
 * message is for people and reads "what was wrong (expected: ...)", e.g.
 * {@code "title: 10240 characters (expected: 1..80)"}. Messages quote user input only after it was cut to a short length.
 *
 * <p>Unchecked: the channel and the bot catch it at their edge and answer the client with the code and the message.
 */
public final class ShowRuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    public ShowRuleException(Refusal refusal, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.refusal = requireNonNull(refusal, "refusal");
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The machine code, e.g. {@code rate_limited}. */
    public String code() {
        return refusal.code();
    }
}
