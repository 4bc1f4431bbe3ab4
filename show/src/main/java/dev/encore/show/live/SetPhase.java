package dev.encore.show.live;

/** Where the set is: not started, playing (between start and end), ended. */
public enum SetPhase {
    NOT_STARTED, PLAYING, ENDED
}
