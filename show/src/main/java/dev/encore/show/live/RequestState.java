package dev.encore.show.live;

/** A song request's life: open (in the queue), then accepted (on the set list) and played, or dismissed. */
public enum RequestState {
    OPEN, ACCEPTED, PLAYED, DISMISSED
}
