package dev.encore.show.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The set list of one show run: the planned songs from the show file plus the songs added on the fly, which one is
 * playing, and which have been played. Performer actions are decided here ({@code start}, {@code next}, ...: they check the
 * rules and return the events, changing nothing) and take effect through {@link #apply}.
 *
 * <p>Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class SetList {
    static final int MAX_TITLE = 80;

    record Entry(String title, String key, int requestId) {
    }

    private final int maxSongs;
    private final List<Entry> songs = new ArrayList<>();
    private final BitSet played = new BitSet();
    private SetPhase phase = SetPhase.NOT_STARTED;
    private int current = -1;

    SetList(int maxSongs) {
        this.maxSongs = maxSongs;
    }

    List<ShowEvent> start(Instant now) {
        if (phase != SetPhase.NOT_STARTED) {
            throw new ShowRuleException(phase == SetPhase.ENDED ? Refusal.SET_ENDED : Refusal.SET_ALREADY_STARTED,
                    "set: " + phaseName() + " (expected: not started yet)");
        }
        List<ShowEvent> events = new ArrayList<>(2);
        events.add(new ShowEvent.SetStarted(now));
        if (!songs.isEmpty()) {
            events.add(started(0, now));
        }
        return events;
    }

    ShowEvent.SongStarted next(Instant now) {
        requirePlaying();
        if (current + 1 >= songs.size()) {
            throw new ShowRuleException(Refusal.END_OF_SET, "next: song " + current + " is the last of " + songs.size()
                    + " (expected: a song after the current one; add a song or end the set)");
        }
        return started(current + 1, now);
    }

    ShowEvent.SongStarted previous(Instant now) {
        requirePlaying();
        if (current <= 0) {
            throw new ShowRuleException(Refusal.START_OF_SET, "previous: song " + current + " is the first"
                    + " (expected: a song before the current one)");
        }
        return started(current - 1, now);
    }

    /** Starts the song at {@code index}, or starts it again when it is the current one (a false start). */
    ShowEvent.SongStarted jumpTo(int index, Instant now) {
        requirePlaying();
        if (index < 0 || index >= songs.size()) {
            throw new ShowRuleException(Refusal.NO_SUCH_SONG, "song index: " + index
                    + " (expected: 0.." + (songs.size() - 1) + ")");
        }
        return started(index, now);
    }

    ShowEvent.SongAdded add(String title, int requestId, Instant now) {
        requireNotEnded();
        if (songs.size() >= maxSongs) {
            throw new ShowRuleException(Refusal.SET_LIST_FULL, "set list: " + songs.size() + " songs (expected: at most "
                    + maxSongs + ")");
        }
        return new ShowEvent.SongAdded(now, songs.size(), title, requestId);
    }

    ShowEvent.SetEnded end(Instant now) {
        if (phase == SetPhase.NOT_STARTED) {
            throw new ShowRuleException(Refusal.SET_NOT_STARTED, "set: not started (expected: a started set to end)");
        }
        requireNotEnded();
        return new ShowEvent.SetEnded(now);
    }

    void requireNotEnded() {
        if (phase == SetPhase.ENDED) {
            throw new ShowRuleException(Refusal.SET_ENDED, "set: ended (expected: a set that has not ended)");
        }
    }

    private void requirePlaying() {
        if (phase != SetPhase.PLAYING) {
            throw new ShowRuleException(phase == SetPhase.ENDED ? Refusal.SET_ENDED : Refusal.SET_NOT_STARTED,
                    "set: " + phaseName() + " (expected: a set that is playing)");
        }
    }

    private String phaseName() {
        return phase == SetPhase.NOT_STARTED ? "not started" : phase == SetPhase.PLAYING ? "playing" : "ended";
    }

    private ShowEvent.SongStarted started(int index, Instant now) {
        return new ShowEvent.SongStarted(now, index, songs.get(index).title());
    }

    /** True if a song with this key comes later in the set list and has not been played yet. */
    boolean upcoming(String key) {
        for (int i = current + 1; i < songs.size(); i++) {
            if (!played.get(i) && songs.get(i).key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.ShowOpened) {
            for (String title : ((ShowEvent.ShowOpened) event).songs()) {
                append(title, 0);
            }
        } else if (event instanceof ShowEvent.SetStarted) {
            replayCheck(phase == SetPhase.NOT_STARTED, event);
            phase = SetPhase.PLAYING;
        } else if (event instanceof ShowEvent.SongStarted) {
            ShowEvent.SongStarted e = (ShowEvent.SongStarted) event;
            replayCheck(phase == SetPhase.PLAYING && e.index() >= 0 && e.index() < songs.size(), event);
            current = e.index();
            played.set(current);
        } else if (event instanceof ShowEvent.SongAdded) {
            ShowEvent.SongAdded e = (ShowEvent.SongAdded) event;
            replayCheck(phase != SetPhase.ENDED && e.index() == songs.size(), event);
            append(e.title(), e.requestId());
        } else if (event instanceof ShowEvent.SetEnded) {
            replayCheck(phase == SetPhase.PLAYING, event);
            phase = SetPhase.ENDED;
        }
    }

    private void append(String title, int requestId) {
        String clean = Text.clean(title, "title", MAX_TITLE, Refusal.TITLE_INVALID);
        songs.add(new Entry(clean, Text.key(clean), requestId));
    }

    static void replayCheck(boolean ok, ShowEvent event) {
        if (!ok) {
            throw new ShowRuleException(Refusal.LOG_INVALID, "event: " + event.getClass().getSimpleName() + " at "
                    + event.at() + " does not fit the show's state (expected: events in the order a LiveShow emitted them)");
        }
    }

    SetPhase phase() {
        return phase;
    }

    int current() {
        return current;
    }

    int size() {
        return songs.size();
    }

    Entry get(int index) {
        return songs.get(index);
    }

    boolean played(int index) {
        return played.get(index);
    }
}
