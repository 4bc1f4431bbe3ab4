package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in show files and on the command line: a whole number and one unit, {@code 90s},
 * {@code 10m}, {@code 4h}, {@code 7d}. Stateless.
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,7})([smhd])");

    private Durations() {
    }

    /**
     * Parses {@code 90s}, {@code 10m}, {@code 4h} or {@code 7d} (surrounding spaces and upper case allowed); callers check
     * the range they accept.
     *
     * @throws IllegalArgumentException for anything else; the message does not quote the text
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (expected: a number and a unit s, m, h or d, e.g. 10m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest way to write {@code d} in this form ({@code 600s} is {@code 10m}); whole seconds only. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
