package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

/**
 * A join token was refused. The message says what was wrong and what was expected; it never holds the server secret nor
 * a whole token (at most a short prefix, see {@link JoinToken#prefixOf}), so it may be logged and shown to the listener.
 *
 * <p>No stack trace is recorded: refusals are expected (and may come in floods from hostile clients), and the stack
 * would always be the same {@link TokenAuthority#verify} call.
 */
public final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Why a token was refused. For HTTP (WHEP {@code Authorization: Bearer}): {@link #WRONG_SHOW} is {@code 403}
     * (a genuine token, but not for this show); all others are {@code 401} with {@code WWW-Authenticate: Bearer}.
     * New reasons (say REVOKED) may be added: switch with a default branch.
     */
    public enum Reason {
        /** No token was presented (null, or no {@code Authorization} header). */
        MISSING,
        /** Not a token of a known version and layout: garbage, too long, bad base64, wrong lengths, unknown version. */
        MALFORMED,
        /** Well formed, but the MAC does not match: altered, or signed with another secret (e.g. the secret was rotated). */
        FORGED,
        /** Genuine, but its expiry time has passed. */
        EXPIRED,
        /** Genuine and unexpired, but minted for another show. */
        WRONG_SHOW
    }

    private final Reason reason;

    TokenException(Reason reason, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
