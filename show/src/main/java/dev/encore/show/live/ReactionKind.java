package dev.encore.show.live;

import java.util.Locale;

/** The fixed set of reactions a listener can send. {@link #code()} is the wire form. */
public enum ReactionKind {
    APPLAUSE("\uD83D\uDC4F"),
    HEART("\u2764\uFE0F"),
    FIRE("\uD83D\uDD25"),
    LAUGH("\uD83D\uDE02"),
    WOW("\uD83D\uDE2E");

    private final String emoji;

    ReactionKind(String emoji) {
        this.emoji = emoji;
    }

    /** The wire form, e.g. {@code applause}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The emoji shown for it. */
    public String emoji() {
        return emoji;
    }

    /** The reaction with this wire code or this emoji. */
    public static ReactionKind parse(String codeOrEmoji) {
        if (codeOrEmoji != null && codeOrEmoji.length() <= 16) {
            for (ReactionKind kind : values()) {
                if (kind.code().equals(codeOrEmoji) || kind.emoji.equals(codeOrEmoji)) {
                    return kind;
                }
            }
        }
        throw new ShowRuleException(Refusal.NO_SUCH_REACTION,
                "reaction: " + Text.quote(codeOrEmoji) + " (expected: one of applause, heart, fire, laugh, wow)");
    }
}
