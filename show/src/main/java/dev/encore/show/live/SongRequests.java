package dev.encore.show.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Song requests of one show run. A listener asks for a title; asking for a song that is already in the queue (by its
 * {@link Text#key key}: case, accents, punctuation, spacing and a leading "the" ignored) is an upvote instead. Each listener
 * votes at most once per request. New requests are rate limited per listener and bounded in number; upvotes are not rate
 * limited. The queue ranks open requests by votes, ties going to the earlier request.
 *
 * <p>Commands are decided here (checked, returning events, changing nothing) and take effect through {@link #apply}.
 * Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class SongRequests {

    static final class Request {
        final int id;
        final String title;
        final String key;
        final String listenerId;
        final Instant submittedAt;
        final Set<String> voters = new LinkedHashSet<>();
        RequestState state = RequestState.OPEN;

        Request(int id, String title, String listenerId, Instant submittedAt) {
            this.id = id;
            this.title = title;
            this.key = Text.key(title);
            this.listenerId = listenerId;
            this.submittedAt = submittedAt;
        }
    }

    /** Most votes first; among equals, the earlier request (lower id) first. */
    static final Comparator<Request> RANKING = Comparator.<Request>comparingInt(r -> -r.voters.size())
            .thenComparingInt(r -> r.id);

    private final ShowRules rules;
    private final List<Request> all = new ArrayList<>();
    /** The latest request for each key, whatever its state. */
    private final Map<String, Request> latestByKey = new HashMap<>();
    private final Map<String, Instant> lastNewRequest = new HashMap<>();
    private final Map<String, Integer> openByListener = new HashMap<>();
    private final Map<String, List<Request>> byVoter = new HashMap<>();

    SongRequests(ShowRules rules) {
        this.rules = rules;
    }

    /** The open request for this key, or null; refuses when the key's latest request cannot take another vote. */
    Request openFor(String key, String listenerId) {
        Request r = latestByKey.get(key);
        if (r == null || r.state == RequestState.PLAYED) {
            return null; // never asked, or played already: asking again is a new request (an encore)
        }
        if (r.state == RequestState.ACCEPTED) {
            throw new ShowRuleException(Refusal.ALREADY_ACCEPTED, "request: '" + r.title + "' is accepted already as request "
                    + r.id + " (expected: a song not yet on its way)");
        }
        if (r.state == RequestState.DISMISSED) {
            throw new ShowRuleException(Refusal.REQUEST_DISMISSED, "request: '" + r.title + "' was dismissed as request "
                    + r.id + " (expected: a song the performer has not turned down)");
        }
        if (r.voters.contains(listenerId)) {
            throw new ShowRuleException(Refusal.ALREADY_VOTED, "request " + r.id + ": " + listenerId + " voted for it already"
                    + " (expected: one vote per listener)");
        }
        return r;
    }

    ShowEvent.RequestUpvoted upvote(String listenerId, int requestId, Instant now) {
        Request r = require(requestId);
        requireOpen(r);
        if (r.voters.contains(listenerId)) {
            throw new ShowRuleException(Refusal.ALREADY_VOTED, "request " + r.id + ": " + listenerId + " voted for it already"
                    + " (expected: one vote per listener)");
        }
        return new ShowEvent.RequestUpvoted(now, r.id, listenerId, r.voters.size() + 1);
    }

    ShowEvent.RequestSubmitted submit(String listenerId, String title, Instant now) {
        Instant last = lastNewRequest.get(listenerId);
        if (last != null && now.isBefore(last.plus(rules.requestInterval()))) {
            long wait = Duration.between(now, last.plus(rules.requestInterval())).toMillis();
            throw new ShowRuleException(Refusal.RATE_LIMITED, "request: " + listenerId + " asked " + Duration.between(last, now)
                    .toSeconds() + " s ago (expected: one new request per " + rules.requestInterval().toSeconds()
                    + " s; wait " + (wait + 999) / 1000 + " s)");
        }
        int open = openByListener.getOrDefault(listenerId, 0);
        if (open >= rules.maxOpenPerListener()) {
            throw new ShowRuleException(Refusal.TOO_MANY_OPEN, "request: " + listenerId + " has " + open + " open requests"
                    + " (expected: at most " + rules.maxOpenPerListener() + " open at once)");
        }
        if (all.size() >= rules.maxRequests()) {
            throw new ShowRuleException(Refusal.QUEUE_FULL, "request: the show holds " + all.size() + " requests"
                    + " (expected: at most " + rules.maxRequests() + ")");
        }
        return new ShowEvent.RequestSubmitted(now, all.size() + 1, listenerId, title);
    }

    Request require(int requestId) {
        if (requestId < 1 || requestId > all.size()) {
            throw new ShowRuleException(Refusal.NO_SUCH_REQUEST, "request: " + requestId
                    + " (expected: " + (all.isEmpty() ? "no requests yet" : "1.." + all.size()) + ")");
        }
        return all.get(requestId - 1);
    }

    static void requireOpen(Request r) {
        if (r.state != RequestState.OPEN) {
            throw new ShowRuleException(Refusal.REQUEST_NOT_OPEN, "request " + r.id + ": "
                    + r.state.name().toLowerCase(Locale.ROOT) + " (expected: open)");
        }
    }

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.RequestSubmitted) {
            ShowEvent.RequestSubmitted e = (ShowEvent.RequestSubmitted) event;
            SetList.replayCheck(e.requestId() == all.size() + 1, event);
            Request r = new Request(e.requestId(), Text.clean(e.title(), "title", SetList.MAX_TITLE, Refusal.TITLE_INVALID),
                    Text.listenerId(e.listenerId()), e.at());
            all.add(r);
            latestByKey.put(r.key, r);
            lastNewRequest.put(r.listenerId, e.at());
            openByListener.merge(r.listenerId, 1, Integer::sum);
            vote(r, r.listenerId);
        } else if (event instanceof ShowEvent.RequestUpvoted) {
            ShowEvent.RequestUpvoted e = (ShowEvent.RequestUpvoted) event;
            Request r = replayRequire(e.requestId(), event);
            SetList.replayCheck(r.state == RequestState.OPEN && !r.voters.contains(e.listenerId()), event);
            vote(r, Text.listenerId(e.listenerId()));
        } else if (event instanceof ShowEvent.RequestAccepted) {
            Request r = replayRequire(((ShowEvent.RequestAccepted) event).requestId(), event);
            SetList.replayCheck(r.state == RequestState.OPEN, event);
            leave(r, RequestState.ACCEPTED);
        } else if (event instanceof ShowEvent.RequestPlayed) {
            Request r = replayRequire(((ShowEvent.RequestPlayed) event).requestId(), event);
            SetList.replayCheck(r.state == RequestState.OPEN || r.state == RequestState.ACCEPTED, event);
            leave(r, RequestState.PLAYED);
        } else if (event instanceof ShowEvent.RequestDismissed) {
            Request r = replayRequire(((ShowEvent.RequestDismissed) event).requestId(), event);
            SetList.replayCheck(r.state == RequestState.OPEN, event);
            leave(r, RequestState.DISMISSED);
        }
    }

    private void vote(Request r, String listenerId) {
        r.voters.add(listenerId);
        byVoter.computeIfAbsent(listenerId, id -> new ArrayList<>()).add(r);
    }

    private void leave(Request r, RequestState state) {
        if (r.state == RequestState.OPEN) {
            openByListener.merge(r.listenerId, -1, Integer::sum);
        }
        r.state = state;
    }

    private Request replayRequire(int requestId, ShowEvent event) {
        SetList.replayCheck(requestId >= 1 && requestId <= all.size(), event);
        return all.get(requestId - 1);
    }

    /** Open requests, best first. */
    List<Request> queue() {
        List<Request> open = new ArrayList<>();
        for (Request r : all) {
            if (r.state == RequestState.OPEN) {
                open.add(r);
            }
        }
        open.sort(RANKING);
        return open;
    }

    /** The requests this listener asked for or voted for, oldest first. */
    List<Request> of(String listenerId) {
        return byVoter.getOrDefault(listenerId, List.of());
    }
}
