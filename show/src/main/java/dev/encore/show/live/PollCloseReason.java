package dev.encore.show.live;

/** Why a poll closed. */
public enum PollCloseReason {
    /** The performer closed it. */
    CLOSED_BY_PERFORMER,
    /** Its time limit passed. */
    TIME_LIMIT
}
