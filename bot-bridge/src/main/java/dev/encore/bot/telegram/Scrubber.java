package dev.encore.bot.telegram;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes a bot token from text and exception chains, so nothing the client throws or logs can carry it (HTTP libraries put
 * the request URL, which holds the token, in some of their messages). Immutable; thread-safe.
 */
final class Scrubber {
    /** Any Bot API token in a URL path or text: {@code <bot id>:<35 base64url characters>}. */
    private static final Pattern ANY_TOKEN = Pattern.compile("\\d{3,}:[A-Za-z0-9_-]{20,}");
    private static final int MAX_DEPTH = 16;

    private final String token;

    Scrubber(String token) {
        this.token = token;
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = token.isEmpty() ? text : text.replace(token, "****");
        return ANY_TOKEN.matcher(out).replaceAll("****");
    }

    /**
     * A copy of the exception chain with every message scrubbed: each link becomes a {@link ScrubbedException} naming the
     * original class, with the original stack trace. Suppressed exceptions are left out.
     */
    Throwable scrub(Throwable t) {
        return copy(t, new IdentityHashMap<>(), 0);
    }

    private Throwable copy(Throwable t, Map<Throwable, Throwable> seen, int depth) {
        if (t == null || depth > MAX_DEPTH) {
            return null;
        }
        Throwable done = seen.get(t);
        if (done != null) {
            return done;
        }
        Throwable cause = t.getCause() == t ? null : t.getCause();
        ScrubbedException copy = new ScrubbedException(t.getClass().getName() + ": " + scrub(String.valueOf(t.getMessage())));
        seen.put(t, copy);
        copy.initCause(copy(cause, seen, depth + 1));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** A link of a scrubbed exception chain; its message starts with the original exception's class name. */
    static final class ScrubbedException extends IOException {
        private static final long serialVersionUID = 1L;

        ScrubbedException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
