package dev.encore.show.access;

import java.util.Locale;

/** A listener's ticket tier: general admission, or VIP (who may also use the seats kept for VIPs, see {@link Seats}). */
public enum Tier {
    GENERAL("general", 0),
    VIP("vip", 1);

    private final String text;
    private final int code;

    Tier(String text, int code) {
        this.text = text;
        this.code = code;
    }

    /** The tier as written in show files, on the command line and in logs: {@code general} or {@code vip}. */
    public String text() {
        return text;
    }

    /** The byte that stands for this tier in a {@link JoinToken} payload. */
    int code() {
        return code;
    }

    /** The tier of a payload byte, or null when no tier has that code. */
    static Tier ofCode(int code) {
        for (Tier tier : values()) {
            if (tier.code == code) {
                return tier;
            }
        }
        return null;
    }

    /**
     * Parses {@code general} or {@code vip} (any case).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Tier parse(String text) {
        if (text != null) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (Tier tier : values()) {
                if (tier.text.equals(lower)) {
                    return tier;
                }
            }
        }
        String shown = text == null ? "null" : "'" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'";
        throw new IllegalArgumentException("tier: " + shown + " (expected: general or vip)");
    }

    @Override
    public String toString() {
        return text;
    }
}
