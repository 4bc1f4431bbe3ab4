package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * A purchase offer of a show file's {@code drops:} section ("signed vinyl, tonight only"): posted to the group and shown in
 * every listener page when a song that cues it starts, or {@link #at} after the set started. Immutable.
 *
 * @param id the key under {@code drops:}, {@code [a-z0-9-]{1,40}} (used in URLs: {@code /go/{show}/{id}})
 * @param text what the post and the card say (plain text, 1 to 200 characters)
 * @param url the shop page, {@code https} (or {@code http}); the only place {@code /go/{show}/{id}} redirects to
 * @param quantity how many are for sale (a live supply counter), or null for no counter
 * @param window how long the offer stays open once posted, or null for until the set ends
 * @param at the offset from the start of the set at which it is posted, or null when only cues post it
 */
public record Drop(String id, String text, URI url, Integer quantity, Duration window, Duration at) {
    /** The longest text, in characters (code points). */
    public static final int MAX_TEXT = 200;

    public Drop {
        requireNonNull(id, "id");
        requireNonNull(text, "text");
        requireNonNull(url, "url");
    }

    /** The server's own link to this drop ({@code /go/{show}/{id}}): it counts the click and redirects to {@link #url}. */
    public String path(String showId) {
        return "/go/" + requireNonNull(showId, "showId") + "/" + id;
    }
}
