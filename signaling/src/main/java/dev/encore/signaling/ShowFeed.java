package dev.encore.signaling;

import dev.encore.show.live.ShowEvent;
import java.util.List;

/**
 * Receives a show's events once they are stored (the bot bridge, the recorder). Called on the show's loop thread, in event
 * order: it must return quickly (hand the work to its own thread) and must not call back into the channel and wait.
 */
@FunctionalInterface
public interface ShowFeed {

    /**
     * Events of run {@code runId} of show {@code showId}, committed to the database. On {@link ShowChannel#subscribe} the
     * current run's stored history comes first ({@code history} true), then live batches as they commit; a new run (after
     * the set ended and the server restarted) starts with its {@code ShowOpened}.
     */
    void onEvents(String showId, long runId, List<ShowEvent> events, boolean history);
}
