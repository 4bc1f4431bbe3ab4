package dev.encore.recording.report;

import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One pass over a run's events for {@link ShowReport#of}. Single use, confined to the calling thread. */
final class ReportBuilder {
    private static final long MINUTE = 60_000;
    /** Histogram edges of per-listener listening time. */
    private static final long[] EDGES = {0, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE};
    private static final String[] LABELS = {"< 1 min", "1–5 min", "5–15 min", "15–30 min", "30–60 min", "≥ 60 min"};

    private final List<ShowEvent> events;
    private final Instant now;

    private String showId;
    private Instant openedAt;
    private Instant setStartedAt;
    private Instant setEndedAt;
    private Instant until;

    private ShowEvent previous;

    ReportBuilder(List<ShowEvent> events, Instant now) {
        this.events = events;
        this.now = now;
    }

    ShowReport build() {
        if (events.isEmpty() || !(events.get(0) instanceof ShowEvent.ShowOpened opened)) {
            throw new IllegalArgumentException("events: " + (events.isEmpty() ? "none" : "starting with "
                    + events.get(0).getClass().getSimpleName()) + " (expected: a run's events, starting with ShowOpened)");
        }
        showId = opened.showId();
        openedAt = opened.at();
        for (ShowEvent e : events) {
            if (e instanceof ShowEvent.SetStarted s && setStartedAt == null) {
                setStartedAt = s.at();
            } else if (e instanceof ShowEvent.SetEnded s && setEndedAt == null) {
                setEndedAt = s.at();
            }
        }
        until = setEndedAt != null ? setEndedAt : max(now, events.get(events.size() - 1).at());
        long setMs = setStartedAt == null ? 0 : millis(setStartedAt, until);

        Map<String, Integer> taps = new TreeMap<>();
        Map<String, Drop> drops = new LinkedHashMap<>();
        int submitted = 0;
        int upvotes = 0;
        int accepted = 0;
        int played = 0;
        int dismissed = 0;
        Map<Integer, Poll> polls = new LinkedHashMap<>();
        List<Song> songs = new ArrayList<>();
        Map<String, Integer> outside = new TreeMap<>();
        List<ShowEvent.ReactionBurst> bursts = new ArrayList<>();
        Presence presence = new Presence(setStartedAt != null ? setStartedAt : openedAt, until);
        Performer performer = new Performer();
        FirstAudio firstAudio = new FirstAudio();

        for (ShowEvent e : events) {
            if (e.at().isBefore(previous == null ? e.at() : previous.at())) {
                throw new IllegalArgumentException("events: " + e.getClass().getSimpleName() + " at " + e.at() + " after "
                        + previous.at() + " (expected: times that never go backwards)");
            }
            previous = e;
            if (e instanceof ShowEvent.PageOpened p) {
                taps.merge(p.source(), 1, Integer::sum);
            } else if (e instanceof ShowEvent.DropOpened d) {
                Drop drop = drops.computeIfAbsent(d.dropId(), Drop::new);
                drop.openedAt = d.at();
            } else if (e instanceof ShowEvent.DropClosed d) {
                Drop drop = drops.computeIfAbsent(d.dropId(), Drop::new);
                drop.closedAt = d.at();
                drop.closeReason = d.reason().name().toLowerCase(Locale.ROOT);
            } else if (e instanceof ShowEvent.DropClicked d) {
                drops.computeIfAbsent(d.dropId(), Drop::new).clicks.merge(d.source(), 1, Integer::sum);
            } else if (e instanceof ShowEvent.DropSold d) {
                Drop drop = drops.computeIfAbsent(d.dropId(), Drop::new);
                drop.sold += d.sold();
                drop.orders++;
            } else if (e instanceof ShowEvent.RequestSubmitted) {
                submitted++;
            } else if (e instanceof ShowEvent.RequestUpvoted) {
                upvotes++;
            } else if (e instanceof ShowEvent.RequestAccepted) {
                accepted++;
            } else if (e instanceof ShowEvent.RequestPlayed) {
                played++;
            } else if (e instanceof ShowEvent.RequestDismissed) {
                dismissed++;
            } else if (e instanceof ShowEvent.PollOpened p) {
                polls.put(p.pollId(), new Poll(p));
            } else if (e instanceof ShowEvent.VoteCast v) {
                Poll poll = polls.get(v.pollId());
                if (poll != null) {
                    poll.vote(v);
                }
            } else if (e instanceof ShowEvent.PollClosed c) {
                Poll poll = polls.get(c.pollId());
                if (poll != null) {
                    poll.closedTally = c.tally();
                }
            } else if (e instanceof ShowEvent.SongStarted s) {
                if (!songs.isEmpty()) {
                    songs.get(songs.size() - 1).end = s.at();
                }
                songs.add(new Song(s));
            } else if (e instanceof ShowEvent.SetEnded s) {
                if (!songs.isEmpty() && songs.get(songs.size() - 1).end == null) {
                    songs.get(songs.size() - 1).end = s.at();
                }
                performer.setEnded(s.at());
            } else if (e instanceof ShowEvent.ReactionBurst b) {
                bursts.add(b);
            } else if (e instanceof ShowEvent.ListenerConnected c) {
                presence.connect(c.listenerId(), c.at());
            } else if (e instanceof ShowEvent.ListenerDisconnected d) {
                presence.disconnect(d.listenerId(), d.at());
            } else if (e instanceof ShowEvent.OnAir a) {
                performer.onAir(a.onAir(), a.at(), setStartedAt, setEndedAt);
                firstAudio.onAir(a);
            } else if (e instanceof ShowEvent.AudioStarted a) {
                firstAudio.started(a);
            } else if (e instanceof ShowEvent.PerformerPresence p) {
                performer.console(p.online(), p.at(), setStartedAt, setEndedAt);
            }
        }
        performer.finish(until);
        for (ShowEvent.ReactionBurst b : bursts) {
            Map<String, Integer> target = outside;
            for (Song song : songs) {
                Instant end = song.end == null ? until : song.end;
                if (!b.second().isBefore(song.start) && b.second().isBefore(end)) {
                    target = song.reactions;
                }
            }
            for (Map.Entry<ReactionKind, Integer> c : b.counts().entrySet()) {
                target.merge(c.getKey().code(), c.getValue(), Integer::sum);
            }
        }

        List<ShowReport.SongFigures> songFigures = new ArrayList<>(songs.size());
        for (Song song : songs) {
            songFigures.add(new ShowReport.SongFigures(song.index, song.title, song.start.toString(),
                    millis(song.start, song.end == null ? until : song.end),
                    song.reactions.values().stream().mapToInt(Integer::intValue).sum(), song.reactions));
        }
        List<ShowReport.DropFigures> dropFigures = new ArrayList<>(drops.size());
        for (Drop d : drops.values()) {
            dropFigures.add(new ShowReport.DropFigures(d.id, text(d.openedAt), text(d.closedAt), d.closeReason,
                    d.clicks.values().stream().mapToInt(Integer::intValue).sum(), d.clicks, d.sold, d.orders));
        }
        List<ShowReport.PollFigures> pollFigures = new ArrayList<>(polls.size());
        for (Poll p : polls.values()) {
            pollFigures.add(p.figures());
        }
        ShowReport.TimeToFirstAudio ttfa = firstAudio.figures();
        List<String> notes = new ArrayList<>();
        if (ttfa.count() == 0 && ttfa.waitedForPerformer() == 0) {
            notes.add(ShowReport.NO_TIME_TO_FIRST_AUDIO);
        } else if (ttfa.waitedForPerformer() > 0) {
            notes.add("time to first audio leaves out " + ttfa.waitedForPerformer() + (ttfa.waitedForPerformer() == 1
                    ? " listener who" : " listeners who") + " joined while the performer's audio was off (waiting for the"
                    + " performer, not for the server)");
        }
        return new ShowReport(ShowReport.VERSION, showId, openedAt.toString(), text(setStartedAt), text(setEndedAt),
                until.toString(), setMs,
                new ShowReport.Taps(taps.values().stream().mapToInt(Integer::intValue).sum(), taps),
                presence.figures(), ttfa,
                new ShowReport.Requests(submitted, upvotes, accepted, played, dismissed),
                pollFigures, songFigures, outside, dropFigures,
                new ShowReport.PerformerFigures(performer.drops, performer.awayMs, performer.consoleDrops),
                List.copyOf(notes));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static long millis(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    /** Nearest-rank percentile of sorted values (0 when empty). */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static final class Drop {
        final String id;
        Instant openedAt;
        Instant closedAt;
        String closeReason;
        final Map<String, Integer> clicks = new TreeMap<>();
        int sold;
        int orders;

        Drop(String id) {
            this.id = id;
        }
    }

    private static final class Song {
        final int index;
        final String title;
        final Instant start;
        Instant end;
        final Map<String, Integer> reactions = new TreeMap<>();

        Song(ShowEvent.SongStarted s) {
            index = s.index();
            title = s.title();
            start = s.at();
        }
    }

    private static final class Poll {
        final ShowEvent.PollOpened opened;
        final Map<String, Integer> choice = new HashMap<>();
        int votes;
        int changes;
        List<Integer> closedTally;

        Poll(ShowEvent.PollOpened opened) {
            this.opened = opened;
        }

        void vote(ShowEvent.VoteCast v) {
            if (choice.put(v.listenerId(), v.option()) == null) {
                votes++;
            } else {
                changes++;
            }
        }

        ShowReport.PollFigures figures() {
            List<Integer> tally = closedTally;
            if (tally == null) {
                Integer[] counts = new Integer[opened.options().size()];
                Arrays.fill(counts, 0);
                for (int option : choice.values()) {
                    if (option >= 0 && option < counts.length) {
                        counts[option]++;
                    }
                }
                tally = List.of(counts);
            }
            return new ShowReport.PollFigures(opened.pollId(), opened.question(), opened.options(), votes, changes, tally);
        }
    }

    /** Who is connected (by listener id, counting connections), integrated over time. */
    private static final class Presence {
        private final Instant windowStart;
        private final Instant windowEnd;
        private final Map<String, Integer> connections = new HashMap<>();
        private final Map<String, Instant> since = new HashMap<>();
        private final Map<String, Long> listenedMs = new LinkedHashMap<>();
        private int peak;
        private Instant peakAt;
        private Instant last;
        /** Listener-milliseconds inside the window. */
        private double area;

        Presence(Instant windowStart, Instant windowEnd) {
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        void connect(String id, Instant at) {
            advance(at);
            listenedMs.putIfAbsent(id, 0L);
            int n = connections.merge(id, 1, Integer::sum);
            if (n == 1) {
                since.put(id, at);
                if (connections.size() > peak) {
                    peak = connections.size();
                    peakAt = at;
                }
            }
        }

        void disconnect(String id, Instant at) {
            Integer n = connections.get(id);
            if (n == null) {
                return; // a disconnect without its connect: nothing to count
            }
            advance(at);
            if (n > 1) {
                connections.put(id, n - 1);
                return;
            }
            connections.remove(id);
            close(id, since.remove(id), at);
        }

        private void close(String id, Instant from, Instant to) {
            Instant end = to.isAfter(windowEnd) ? windowEnd : to;
            listenedMs.merge(id, millis(from, end), Long::sum);
        }

        /** Adds the time since the last change, at the current count, to the window's area. */
        private void advance(Instant at) {
            if (last != null) {
                Instant from = last.isBefore(windowStart) ? windowStart : last;
                Instant to = at.isAfter(windowEnd) ? windowEnd : at;
                if (to.isAfter(from)) {
                    area += (double) connections.size() * Duration.between(from, to).toMillis();
                }
            }
            last = at;
        }

        ShowReport.Listeners figures() {
            advance(windowEnd.isAfter(last == null ? windowEnd : last) ? windowEnd : last);
            for (Map.Entry<String, Instant> open : since.entrySet()) {
                close(open.getKey(), open.getValue(), windowEnd);
            }
            long window = millis(windowStart, windowEnd);
            double average = window == 0 ? 0 : area / window;
            long[] times = listenedMs.values().stream().mapToLong(Long::longValue).sorted().toArray();
            List<ShowReport.Bucket> histogram = new ArrayList<>(EDGES.length);
            for (int i = 0; i < EDGES.length; i++) {
                long from = EDGES[i];
                long to = i + 1 < EDGES.length ? EDGES[i + 1] : -1;
                int n = 0;
                for (long t : times) {
                    if (t >= from && (to < 0 || t < to)) {
                        n++;
                    }
                }
                histogram.add(new ShowReport.Bucket(LABELS[i], from, to, n));
            }
            ShowReport.Listening listening = new ShowReport.Listening(percentile(times, 50), percentile(times, 90),
                    times.length == 0 ? 0 : times[times.length - 1], histogram);
            return new ShowReport.Listeners(listenedMs.size(), peak, text(peakAt), Math.round(average * 10) / 10.0, listening);
        }
    }

    /**
     * AudioStarted events, each sorted by whether the performer's audio was on air when its session joined ({@code at}
     * minus its time to first audio), by the OnAir events seen so far (they come before, in time order). OnAir lags the
     * audio by up to a quarter of a second going on and about a second going off: a join within that of a change may be
     * sorted on the wrong side.
     */
    private static final class FirstAudio {
        private final List<ShowEvent.OnAir> changes = new ArrayList<>();
        private final List<Long> onAirMs = new ArrayList<>();
        private int waited;

        void onAir(ShowEvent.OnAir change) {
            changes.add(change);
        }

        void started(ShowEvent.AudioStarted started) {
            Instant joined = started.at().minusMillis(started.ttfaMillis());
            boolean onAir = false;
            for (ShowEvent.OnAir change : changes) {
                if (change.at().isAfter(joined)) {
                    break;
                }
                onAir = change.onAir();
            }
            if (onAir) {
                onAirMs.add(started.ttfaMillis());
            } else {
                waited++;
            }
        }

        ShowReport.TimeToFirstAudio figures() {
            long[] sorted = onAirMs.stream().mapToLong(Long::longValue).sorted().toArray();
            return new ShowReport.TimeToFirstAudio(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1], waited);
        }
    }

    /** The performer's audio (OnAir) and console (PerformerPresence) going away while the set is on. */
    private static final class Performer {
        int drops;
        long awayMs;
        int consoleDrops;
        private boolean onAir;
        private Instant awaySince;
        private boolean consoleOnline;

        void onAir(boolean now, Instant at, Instant setStarted, Instant setEnded) {
            boolean during = setStarted != null && !at.isBefore(setStarted) && (setEnded == null || at.isBefore(setEnded));
            if (onAir && !now && during) {
                drops++;
                awaySince = at;
            } else if (!onAir && now && awaySince != null) {
                awayMs += millis(awaySince, at);
                awaySince = null;
            }
            onAir = now;
        }

        void console(boolean online, Instant at, Instant setStarted, Instant setEnded) {
            boolean during = setStarted != null && !at.isBefore(setStarted) && (setEnded == null || at.isBefore(setEnded));
            if (consoleOnline && !online && during) {
                consoleDrops++;
            }
            consoleOnline = online;
        }

        void setEnded(Instant at) {
            finish(at);
        }

        void finish(Instant at) {
            if (awaySince != null) {
                awayMs += millis(awaySince, at);
                awaySince = null;
            }
        }
    }
}
