package dev.encore.show.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The polls of one show run. At most one poll is open at a time, and <b>opening a poll while another is open is refused</b>
 * ({@code poll_already_open}): the performer closes the running poll first. Closing it silently would cut a poll short
 * because of a double tap in the console or a command sent from the bot and the console at once.
 *
 * <p>A time-limited poll closes once the time passes: {@link #due} says so when asked with a later {@code now} (the show
 * asks before every command and on every tick); no thread is involved. Votes name the poll, so a vote meant for a poll
 * that just closed cannot land on the next one.
 *
 * <p>Commands are decided here (checked, returning events, changing nothing) and take effect through {@link #apply}.
 * Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class Polls {
    static final int MAX_QUESTION = 140;
    static final int MAX_OPTION = 60;
    static final int MIN_OPTIONS = 2;
    static final int MAX_OPTIONS = 6;
    static final Duration MIN_TIME = Duration.ofSeconds(5);
    static final Duration MAX_TIME = Duration.ofHours(1);

    private final int maxPolls;
    private final List<Poll> all = new ArrayList<>();
    private Poll open;

    Polls(int maxPolls) {
        this.maxPolls = maxPolls;
    }

    ShowEvent.PollOpened open(String question, List<String> options, Duration timeLimit, Instant now) {
        String q = Text.clean(question, "question", MAX_QUESTION, Refusal.QUESTION_INVALID);
        if (options == null || options.size() < MIN_OPTIONS || options.size() > MAX_OPTIONS) {
            throw new ShowRuleException(Refusal.OPTIONS_INVALID, "options: " + (options == null ? "null" : options.size()
                    + " options") + " (expected: " + MIN_OPTIONS + ".." + MAX_OPTIONS + ")");
        }
        List<String> clean = new ArrayList<>(options.size());
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < options.size(); i++) {
            String option = Text.clean(options.get(i), "option " + i, MAX_OPTION, Refusal.OPTION_INVALID);
            if (!keys.add(Text.key(option))) {
                throw new ShowRuleException(Refusal.OPTIONS_INVALID, "option " + i + ": '" + option
                        + "' reads the same as an earlier option (expected: distinct options)");
            }
            clean.add(option);
        }
        if (timeLimit != null && (timeLimit.compareTo(MIN_TIME) < 0 || timeLimit.compareTo(MAX_TIME) > 0)) {
            throw new ShowRuleException(Refusal.TIME_LIMIT_INVALID, "time limit: " + timeLimit
                    + " (expected: none, or " + MIN_TIME + ".." + MAX_TIME + ")");
        }
        if (open != null) {
            throw new ShowRuleException(Refusal.POLL_ALREADY_OPEN, "poll " + open.id + ": still open"
                    + " (expected: close poll " + open.id + " before opening another)");
        }
        if (all.size() >= maxPolls) {
            throw new ShowRuleException(Refusal.TOO_MANY_POLLS, "polls: " + all.size() + " this show"
                    + " (expected: at most " + maxPolls + ")");
        }
        return new ShowEvent.PollOpened(now, all.size() + 1, q, clean, timeLimit == null ? null : now.plus(timeLimit));
    }

    /** The vote event, or null when the listener votes again for the option they already chose. */
    ShowEvent.VoteCast vote(String listenerId, int pollId, int option, Instant now) {
        Poll poll = require(pollId);
        if (!poll.open()) {
            throw new ShowRuleException(Refusal.POLL_CLOSED, "poll " + pollId + ": closed at " + poll.closedAt
                    + " (expected: an open poll)");
        }
        if (option < 0 || option >= poll.tally.length) {
            throw new ShowRuleException(Refusal.NO_SUCH_OPTION, "option: " + option + " (expected: 0.."
                    + (poll.tally.length - 1) + ")");
        }
        int previous = poll.voteOf(listenerId);
        return previous == option ? null : new ShowEvent.VoteCast(now, pollId, listenerId, option, previous);
    }

    ShowEvent.PollClosed close(Instant now) {
        if (open == null) {
            throw new ShowRuleException(Refusal.NO_POLL_OPEN, "poll: none open (expected: an open poll to close)");
        }
        return new ShowEvent.PollClosed(now, open.id, open.tallyList(), PollCloseReason.CLOSED_BY_PERFORMER);
    }

    /** The close of the open poll if its time limit has passed by {@code now}, dated when it passed; else null. */
    ShowEvent.PollClosed due(Instant now) {
        if (open != null && open.closesAt != null && !now.isBefore(open.closesAt)) {
            return new ShowEvent.PollClosed(open.closesAt, open.id, open.tallyList(), PollCloseReason.TIME_LIMIT);
        }
        return null;
    }

    private Poll require(int pollId) {
        if (pollId < 1 || pollId > all.size()) {
            throw new ShowRuleException(Refusal.NO_SUCH_POLL, "poll: " + pollId
                    + " (expected: " + (all.isEmpty() ? "no polls yet" : "1.." + all.size()) + ")");
        }
        return all.get(pollId - 1);
    }

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.PollOpened) {
            ShowEvent.PollOpened e = (ShowEvent.PollOpened) event;
            SetList.replayCheck(open == null && e.pollId() == all.size() + 1
                    && e.options().size() >= MIN_OPTIONS && e.options().size() <= MAX_OPTIONS, event);
            open = new Poll(e.pollId(), e.question(), e.options(), e.at(), e.closesAt());
            all.add(open);
        } else if (event instanceof ShowEvent.VoteCast) {
            ShowEvent.VoteCast e = (ShowEvent.VoteCast) event;
            SetList.replayCheck(open != null && open.id == e.pollId() && e.option() >= 0 && e.option() < open.tally.length
                    && open.voteOf(e.listenerId()) == e.previousOption(), event);
            if (e.previousOption() >= 0) {
                open.tally[e.previousOption()]--;
            }
            open.tally[e.option()]++;
            open.votes.put(Text.listenerId(e.listenerId()), e.option());
        } else if (event instanceof ShowEvent.PollClosed) {
            ShowEvent.PollClosed e = (ShowEvent.PollClosed) event;
            SetList.replayCheck(open != null && open.id == e.pollId() && e.tally().equals(open.tallyList()), event);
            open.closedAt = e.at();
            open.closeReason = e.reason();
            open = null;
        }
    }

    Poll current() {
        return open;
    }

    /** The most recently closed poll, or null. */
    Poll lastClosed() {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (!all.get(i).open()) {
                return all.get(i);
            }
        }
        return null;
    }

    Poll get(int pollId) {
        return require(pollId);
    }
}
