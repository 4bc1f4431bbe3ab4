package dev.encore.recording.clip;

import static java.util.Objects.requireNonNull;

import dev.encore.recording.Chapter;
import dev.encore.show.live.ShowEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which song the highlights clip after the set is made of, when nobody picks one (issue 7): "the song with the most
 * requests and votes". Pure and stateless.
 *
 * <p><b>The rule.</b> Each song of the set list (by its index, as in {@code SongStarted}) scores one point for each of:
 * <ul>
 *   <li><b>requests</b>: a listener's {@code RequestSubmitted} and each {@code RequestUpvoted} of that request, when the
 *   request is the song: the performer accepted it and it became this song ({@code SongAdded} with its request id), or its
 *   title is the song's title (compared without case and surrounding or repeated spaces), which is how a request for a
 *   planned song shows;</li>
 *   <li><b>poll votes</b>: each voter's final choice in a poll whose option's text is the song's title ("which one
 *   next?");</li>
 *   <li><b>reactions</b>: every reaction counted in a second that began while the song was playing (from its
 *   {@code SongStarted} to the next song's, or to {@code SetEnded}).</li>
 * </ul>
 * The songs that have a chapter of positive length in the recording are ranked by score, then by length (a tie, and the
 * case where nothing was requested, voted or reacted to, goes to the longest song), then by set-list order. A song played
 * twice ({@code set.prev}) scores once and its longest take is used. The span is the chapter: from its start to the next
 * chapter's (or the end of the recording); the caller trims it to {@code highlights.maxSeconds}.
 */
public final class HighlightChoice {

    /** One song's figures under the rule. */
    public record SongScore(int song, String title, int requests, int upvotes, int pollVotes, int reactions) {
        public int score() {
            return requests + upvotes + pollVotes + reactions;
        }
    }

    /**
     * The chosen song and its span in the recording.
     *
     * @param score its figures (all zero when the longest song was taken for want of any)
     * @param fromSeconds where its chapter starts in the recording
     * @param toSeconds where it ends (the next chapter, or the end of the recording)
     */
    public record Choice(SongScore score, double fromSeconds, double toSeconds) {
        public int song() {
            return score.song();
        }

        public String title() {
            return score.title();
        }

        public double seconds() {
            return toSeconds - fromSeconds;
        }
    }

    private HighlightChoice() {
    }

    /**
     * The song to clip: the best-ranked song with audio in the recording; empty when the recording has no chapter of
     * positive length (no song started while it recorded).
     *
     * @param events the run's events, in order
     * @param chapters the recording's chapters, in order
     * @param recordingLength the recording's playable length (where its last chapter ends)
     */
    public static Optional<Choice> choose(List<ShowEvent> events, List<Chapter> chapters, Duration recordingLength) {
        requireNonNull(events, "events");
        requireNonNull(chapters, "chapters");
        requireNonNull(recordingLength, "recordingLength");
        Map<Integer, SongScore> scores = new HashMap<>();
        for (SongScore s : scores(events)) {
            scores.put(s.song(), s);
        }
        double end = recordingLength.toNanos() / 1e9;
        Map<Integer, Choice> takes = new LinkedHashMap<>();
        for (int i = 0; i < chapters.size(); i++) {
            Chapter c = chapters.get(i);
            double from = c.offset().toNanos() / 1e9;
            double to = Math.min(end, i + 1 < chapters.size() ? chapters.get(i + 1).offset().toNanos() / 1e9 : end);
            if (!(to > from)) {
                continue;
            }
            SongScore score = scores.getOrDefault(c.song(), new SongScore(c.song(), c.title(), 0, 0, 0, 0));
            Choice take = new Choice(score, from, to);
            takes.merge(c.song(), take, (a, b) -> b.seconds() > a.seconds() ? b : a);
        }
        return takes.values().stream().min(Comparator.comparingInt((Choice c) -> -c.score().score())
                .thenComparing(Comparator.comparingDouble(Choice::seconds).reversed())
                .thenComparingInt(Choice::song));
    }

    /** Every song of the run's set list with its figures, in set-list order. */
    public static List<SongScore> scores(List<ShowEvent> events) {
        requireNonNull(events, "events");
        List<String> titles = new ArrayList<>();
        Map<Integer, Integer> acceptedAs = new HashMap<>(); // request id -> song index
        Map<Integer, String> requestTitles = new HashMap<>();
        Map<Integer, Integer> requestVotes = new HashMap<>(); // 1: its submission
        Map<Integer, Integer> requestUpvotes = new HashMap<>();
        Map<Integer, List<String>> pollOptions = new HashMap<>();
        Map<Integer, Map<String, Integer>> finalVotes = new LinkedHashMap<>(); // poll -> voter -> option
        List<ShowEvent.SongStarted> starts = new ArrayList<>();
        List<ShowEvent.ReactionBurst> bursts = new ArrayList<>();
        Instant setEnded = null;
        for (ShowEvent event : events) {
            if (event instanceof ShowEvent.ShowOpened opened) {
                titles.clear();
                titles.addAll(opened.songs());
            } else if (event instanceof ShowEvent.SongAdded added) {
                while (titles.size() <= added.index()) {
                    titles.add(null);
                }
                titles.set(added.index(), added.title());
                if (added.requestId() > 0) {
                    acceptedAs.put(added.requestId(), added.index());
                }
            } else if (event instanceof ShowEvent.SongStarted started) {
                starts.add(started);
            } else if (event instanceof ShowEvent.SetEnded ended) {
                setEnded = ended.at();
            } else if (event instanceof ShowEvent.RequestSubmitted submitted) {
                requestTitles.put(submitted.requestId(), submitted.title());
                requestVotes.merge(submitted.requestId(), 1, Integer::sum);
            } else if (event instanceof ShowEvent.RequestUpvoted upvoted) {
                requestUpvotes.merge(upvoted.requestId(), 1, Integer::sum);
            } else if (event instanceof ShowEvent.PollOpened poll) {
                pollOptions.put(poll.pollId(), poll.options());
            } else if (event instanceof ShowEvent.VoteCast vote) {
                finalVotes.computeIfAbsent(vote.pollId(), p -> new LinkedHashMap<>()).put(vote.listenerId(), vote.option());
            } else if (event instanceof ShowEvent.ReactionBurst burst) {
                bursts.add(burst);
            }
        }
        Map<String, Integer> byTitle = new HashMap<>();
        for (int i = titles.size() - 1; i >= 0; i--) {
            if (titles.get(i) != null) {
                byTitle.put(normalize(titles.get(i)), i); // the first song of a title wins
            }
        }
        int[] requests = new int[titles.size()];
        int[] upvotes = new int[titles.size()];
        int[] pollVotes = new int[titles.size()];
        for (Map.Entry<Integer, String> request : requestTitles.entrySet()) {
            Integer song = acceptedAs.getOrDefault(request.getKey(), byTitle.get(normalize(request.getValue())));
            if (song != null) {
                requests[song] += requestVotes.getOrDefault(request.getKey(), 0);
                upvotes[song] += requestUpvotes.getOrDefault(request.getKey(), 0);
            }
        }
        for (Map.Entry<Integer, Map<String, Integer>> poll : finalVotes.entrySet()) {
            List<String> options = pollOptions.getOrDefault(poll.getKey(), List.of());
            for (int option : poll.getValue().values()) {
                Integer song = option >= 0 && option < options.size() ? byTitle.get(normalize(options.get(option))) : null;
                if (song != null) {
                    pollVotes[song]++;
                }
            }
        }
        int[] reactions = new int[titles.size()];
        for (ShowEvent.ReactionBurst burst : bursts) {
            int song = playingAt(starts, setEnded, burst.second());
            if (song >= 0 && song < reactions.length) {
                reactions[song] += burst.total();
            }
        }
        List<SongScore> scores = new ArrayList<>();
        for (int i = 0; i < titles.size(); i++) {
            scores.add(new SongScore(i, titles.get(i) == null ? "" : titles.get(i), requests[i], upvotes[i], pollVotes[i],
                    reactions[i]));
        }
        return scores;
    }

    private static String normalize(String title) {
        return title.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** The song playing at {@code t} (the last one started at or before it, unless the set had ended), or -1. */
    private static int playingAt(List<ShowEvent.SongStarted> starts, Instant setEnded, Instant t) {
        if (setEnded != null && !t.isBefore(setEnded)) {
            return -1;
        }
        int song = -1;
        for (ShowEvent.SongStarted start : starts) {
            if (start.at().isAfter(t)) {
                break;
            }
            song = start.index();
        }
        return song;
    }
}
