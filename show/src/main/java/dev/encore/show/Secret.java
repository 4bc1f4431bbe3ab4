package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret from a show file or the environment (performer key, SRTP master key, bot token). Compared in constant time;
 * {@link #toString} never reveals it, so a secret that ends up in a log line or an error message shows as {@code ****}.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Secret {
    private final byte[] utf8;
    private final String value;

    private Secret(String value) {
        this.value = value;
        this.utf8 = value.getBytes(StandardCharsets.UTF_8);
    }

    public static Secret of(String value) {
        return new Secret(requireNonNull(value, "value"));
    }

    /** Constant-time comparison with a presented value (e.g. a Bearer token); false for null. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        // MessageDigest.isEqual runs over the length of its first argument whatever the second one's length, so with the
        // secret first the time taken depends on the secret's length only, never on how much of the presented value matches.
        return MessageDigest.isEqual(utf8, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret's value, for the few places that must use it (keying SRTP, calling Telegram). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
