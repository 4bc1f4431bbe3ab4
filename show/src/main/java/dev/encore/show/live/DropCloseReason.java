package dev.encore.show.live;

/** Why a drop closed. */
public enum DropCloseReason {
    /** Its {@code window} passed. */
    WINDOW,
    /** The shop reported the last one sold. */
    SOLD_OUT,
    /** The set ended while it was open. */
    SET_ENDED
}
