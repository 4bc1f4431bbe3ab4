package dev.encore.show.live;

import dev.encore.show.Drop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The drops of one show run: which opened (on a song's cue, or {@code at} after the set started), what is left of each,
 * the orders the shop reported, the clicks, and which closed (window, sold out, set end). Decisions ({@link #due},
 * {@link #cued}, {@link #sell}, ...) check the rules and return events, changing nothing; the events take effect through
 * {@link #apply}. A drop opens once per run.
 *
 * <p>Sales are accepted whenever the shop reports them (before the drop opened, after it closed): the shop is the truth.
 * A drop whose counter is at 0 when its cue comes opens and closes at once ({@code SOLD_OUT}).
 *
 * <p>Owned by the show's signaling thread, through {@link LiveShow}.
 */
final class Drops {
    static final int MAX_SALE = 1_000_000;
    private static final Pattern ORDER_ID = Pattern.compile("[\\x21-\\x7E]{1,100}");
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9_-]{1,32}");

    private static final class State {
        final String id;
        boolean opened;
        Instant openedAt;
        Instant closesAt;
        int remaining;
        Instant closedAt;
        DropCloseReason closeReason;
        int sold;
        long clicks;
        /** Order id to what was left after it: a repeated order gets the same answer. */
        final Map<String, Integer> orders = new HashMap<>();

        State(String id, int quantity) {
            this.id = id;
            this.remaining = quantity;
        }

        boolean open() {
            return opened && closedAt == null;
        }
    }

    private final DropPlan plan;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final List<State> openedInOrder = new ArrayList<>();
    private Instant setStartedAt;
    private boolean setEnded;

    Drops(DropPlan plan) {
        this.plan = plan;
    }

    private State state(String id) {
        return states.computeIfAbsent(id, k -> {
            Drop drop = plan.drop(k);
            return new State(k, drop == null || drop.quantity() == null ? -1 : drop.quantity());
        });
    }

    private Drop require(String dropId) {
        Text.present(dropId, "drop");
        Drop drop = plan.drop(dropId);
        if (drop == null) {
            throw new ShowRuleException(Refusal.NO_SUCH_DROP, "drop: " + Text.quote(dropId) + " (expected: "
                    + (plan.isEmpty() ? "a drop of the show file, which has none"
                    : "one of " + String.join(", ", plan.drops().stream().map(Drop::id).toList())) + ")");
        }
        return drop;
    }

    // ---- decisions ----

    /**
     * Catching up with {@code now}: windows that ended (at the moment they ended) and drops whose {@code at} passed since
     * the set started (now), in time order.
     */
    List<ShowEvent> due(Instant now) {
        List<ShowEvent> events = new ArrayList<>();
        for (State s : openedInOrder) {
            if (s.open() && s.closesAt != null && !now.isBefore(s.closesAt)) {
                events.add(new ShowEvent.DropClosed(s.closesAt, s.id, DropCloseReason.WINDOW));
            }
        }
        events.sort((a, b) -> a.at().compareTo(b.at()));
        if (setStartedAt != null && !setEnded) {
            for (Drop drop : plan.drops()) {
                if (drop.at() != null && !state(drop.id()).opened && !now.isBefore(setStartedAt.plus(drop.at()))) {
                    events.addAll(open(drop, now));
                }
            }
        }
        return events;
    }

    /** The song at {@code songIndex} started: its cued drops that have not opened yet open. */
    List<ShowEvent> cued(int songIndex, Instant now) {
        List<ShowEvent> events = new ArrayList<>();
        for (String id : plan.cuesOf(songIndex)) {
            if (!state(id).opened) {
                events.addAll(open(plan.drop(id), now));
            }
        }
        return events;
    }

    private List<ShowEvent> open(Drop drop, Instant now) {
        State s = state(drop.id());
        Instant closesAt = drop.window() == null ? null : now.plus(drop.window());
        ShowEvent.DropOpened opened = new ShowEvent.DropOpened(now, drop.id(), closesAt, s.remaining);
        return s.remaining == 0 ? List.of(opened, new ShowEvent.DropClosed(now, drop.id(), DropCloseReason.SOLD_OUT))
                : List.of(opened);
    }

    /** The set ended: every open drop closes. */
    List<ShowEvent> closeAll(Instant now) {
        List<ShowEvent> events = new ArrayList<>();
        for (State s : openedInOrder) {
            if (s.open()) {
                events.add(new ShowEvent.DropClosed(now, s.id, DropCloseReason.SET_ENDED));
            }
        }
        return events;
    }

    /** The shop sold {@code quantity}; nothing for an order already counted (see {@link #answer}). */
    List<ShowEvent> sell(String dropId, int quantity, String orderId, Instant now) {
        Drop drop = require(dropId);
        if (quantity < 1 || quantity > MAX_SALE) {
            throw new ShowRuleException(Refusal.BAD_QUANTITY, "quantity: " + quantity + " (expected: 1.." + MAX_SALE + ")");
        }
        Text.present(orderId, "orderId");
        if (!ORDER_ID.matcher(orderId).matches()) {
            throw new ShowRuleException(Refusal.ORDER_INVALID, "orderId: " + Text.quote(orderId) + " (expected: 1 to 100"
                    + " printable ASCII characters without spaces)");
        }
        State s = state(drop.id());
        if (s.orders.containsKey(orderId)) {
            return List.of();
        }
        int remaining = s.remaining < 0 ? -1 : Math.max(0, s.remaining - quantity);
        ShowEvent.DropSold sold = new ShowEvent.DropSold(now, drop.id(), quantity, remaining, orderId);
        return remaining == 0 && s.open() ? List.of(sold, new ShowEvent.DropClosed(now, drop.id(), DropCloseReason.SOLD_OUT))
                : List.of(sold);
    }

    /** What was left after order {@code orderId} of a drop (-1 without a counter), or null when it was never counted. */
    Integer answer(String dropId, String orderId) {
        State s = dropId == null ? null : states.get(dropId);
        return s == null || orderId == null ? null : s.orders.get(orderId);
    }

    /** Somebody followed the drop's link; {@code source} becomes {@code direct} when absent, {@code other} when odd. */
    ShowEvent.DropClicked click(String dropId, String source, Instant now) {
        Drop drop = require(dropId);
        return new ShowEvent.DropClicked(now, drop.id(), source(source));
    }

    static String source(String source) {
        if (source == null || source.isEmpty()) {
            return "direct";
        }
        return SOURCE.matcher(source).matches() ? source : "other";
    }

    // ---- state ----

    void apply(ShowEvent event) {
        if (event instanceof ShowEvent.SetStarted e) {
            setStartedAt = e.at();
        } else if (event instanceof ShowEvent.SetEnded) {
            setEnded = true;
        } else if (event instanceof ShowEvent.DropOpened e) {
            State s = state(e.dropId());
            if (s.opened) {
                throw new ShowRuleException(Refusal.LOG_INVALID, "drop " + Text.quote(e.dropId()) + " opens twice"
                        + " (expected: once per run)");
            }
            s.opened = true;
            s.openedAt = e.at();
            s.closesAt = e.closesAt();
            s.remaining = e.quantity();
            openedInOrder.add(s);
        } else if (event instanceof ShowEvent.DropSold e) {
            State s = state(e.dropId());
            s.sold += e.sold();
            s.remaining = e.remaining();
            s.orders.put(e.orderId(), e.remaining());
        } else if (event instanceof ShowEvent.DropClosed e) {
            State s = state(e.dropId());
            if (!s.open()) {
                throw new ShowRuleException(Refusal.LOG_INVALID, "drop " + Text.quote(e.dropId()) + " closes while not open"
                        + " (expected: a DropOpened first)");
            }
            s.closedAt = e.at();
            s.closeReason = e.reason();
        } else if (event instanceof ShowEvent.DropClicked e) {
            state(e.dropId()).clicks++;
        }
    }

    /** The drops that opened this run, in the order they opened (drops no longer in the plan are left out). */
    List<ShowState.DropView> views(String showId) {
        List<ShowState.DropView> views = new ArrayList<>(openedInOrder.size());
        for (State s : openedInOrder) {
            Drop drop = plan.drop(s.id);
            if (drop != null) {
                views.add(new ShowState.DropView(s.id, drop.text(), drop.path(showId), s.openedAt, s.closesAt, s.closedAt,
                        s.closeReason, drop.quantity() == null ? -1 : drop.quantity(), s.remaining, s.sold, s.clicks));
            }
        }
        return views;
    }

    /** True when the drop opened this run (open or closed since). */
    boolean opened(String dropId) {
        State s = states.get(dropId);
        return s != null && s.opened;
    }
}
