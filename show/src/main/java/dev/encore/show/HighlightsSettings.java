package dev.encore.show;

import java.nio.file.Path;

/**
 * A show file's {@code highlights:} section: how the after-show highlights clip is made and what it offers (issue 7).
 * Immutable.
 *
 * @param maxSeconds the longest a clip may be ({@code highlights.maxSeconds}, default {@value #DEFAULT_MAX_SECONDS})
 * @param cover the title card's cover image ({@code highlights.cover}, resolved against the show file's folder), or null
 *     for a generated card; whether it exists and is PNG/JPEG is checked when a clip is rendered
 * @param offer the post-show offer ({@code highlights.offer}): the id of one of the show's drops, whose text and button the
 *     clip's post carries; null for none. The show file loader checks that the drop exists.
 */
public record HighlightsSettings(int maxSeconds, Path cover, String offer) {
    public static final int DEFAULT_MAX_SECONDS = 60;
    /** The longest {@code highlights.maxSeconds} allowed: a clip is for a feed, not the whole set. */
    public static final int MAX_SECONDS = 600;
    /** No {@code highlights:} section: 60 s, a generated card, no offer. */
    public static final HighlightsSettings DEFAULT = new HighlightsSettings(DEFAULT_MAX_SECONDS, null, null);

    public HighlightsSettings {
        if (maxSeconds < 1 || maxSeconds > MAX_SECONDS) {
            throw new IllegalArgumentException("maxSeconds: " + maxSeconds + " (expected: 1.." + MAX_SECONDS + ")");
        }
    }

    /** Without a post-show offer. */
    public HighlightsSettings(int maxSeconds, Path cover) {
        this(maxSeconds, cover, null);
    }
}
