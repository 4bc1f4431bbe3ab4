package dev.encore.show.live;

import java.util.Locale;

/**
 * Why a command was refused: the machine-readable half of a {@link ShowRuleException}. {@link #code()} is the wire form
 * ({@code rate_limited}, {@code poll_closed}, ...) that the channel and the bot send to clients.
 */
public enum Refusal {
    /** A null argument where a value is needed (a channel bug or a hostile frame). */
    MISSING,
    /** A listener id that is empty, too long or has characters outside {@code [A-Za-z0-9:_.@-]}. */
    LISTENER_INVALID,
    /** A song title that is empty, too long or holds control or bidirectional formatting characters. */
    TITLE_INVALID,
    /** A poll question that is empty, too long or holds control characters. */
    QUESTION_INVALID,
    /** A poll option that is empty, too long or holds control characters. */
    OPTION_INVALID,
    /** Fewer than 2 or more than 6 options, or two options that read the same. */
    OPTIONS_INVALID,
    /** A poll time limit outside 5 s .. 1 h. */
    TIME_LIMIT_INVALID,

    SET_NOT_STARTED,
    SET_ALREADY_STARTED,
    SET_ENDED,
    /** "Next" on the last song: end the set instead. */
    END_OF_SET,
    /** "Previous" on the first song. */
    START_OF_SET,
    NO_SUCH_SONG,
    SET_LIST_FULL,

    /** A listener's second new request within the request interval (30 s by default). */
    RATE_LIMITED,
    /** A listener already has the maximum number of open requests (5 by default). */
    TOO_MANY_OPEN,
    /** The whole show holds the maximum number of requests. */
    QUEUE_FULL,
    /** The listener already asked for or upvoted this song. */
    ALREADY_VOTED,
    /** The song is coming up later in the set list anyway. */
    ALREADY_IN_SET,
    /** The song was requested and the performer has accepted it already. */
    ALREADY_ACCEPTED,
    /** The performer dismissed this song earlier in the show. */
    REQUEST_DISMISSED,
    NO_SUCH_REQUEST,
    /** The request was accepted, played or dismissed already. */
    REQUEST_NOT_OPEN,

    /** Opening a poll while another is open: close it first. */
    POLL_ALREADY_OPEN,
    NO_POLL_OPEN,
    NO_SUCH_POLL,
    POLL_CLOSED,
    NO_SUCH_OPTION,
    TOO_MANY_POLLS,

    NO_SUCH_REACTION,
    /** A disconnect for a listener that is not connected. */
    NOT_CONNECTED,

    /** A drop id that is not in the show file's {@code drops:}. */
    NO_SUCH_DROP,
    /** A sale of fewer than 1 or more than 1,000,000 items. */
    BAD_QUANTITY,
    /** An order id that is empty, longer than 100 characters, or holds spaces or non-ASCII characters. */
    ORDER_INVALID,

    /** A stored event log that cannot have come from a {@link LiveShow} (replay only). */
    LOG_INVALID;

    /** The wire form: the lower-case name, e.g. {@code rate_limited}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
