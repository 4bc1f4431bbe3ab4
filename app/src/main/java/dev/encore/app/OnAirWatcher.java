package dev.encore.app;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the show channel when a performer's audio starts or stops reaching the media server ("the performer went live"),
 * by looking at each show's router a few times a second. The media path stays free of callbacks; a change is seen within
 * one period.
 *
 * <p><b>Threads:</b> one daemon thread ({@code encore-on-air}) owns the last known states; {@link #close} from any thread.
 */
final class OnAirWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnAirWatcher.class);

    private final List<String> shows;
    private final Predicate<String> online;
    private final BiConsumer<String, Boolean> changed;
    private final Map<String, Boolean> last = new HashMap<>();
    private final ScheduledExecutorService executor;

    private OnAirWatcher(List<String> shows, Predicate<String> online, BiConsumer<String, Boolean> changed) {
        this.shows = List.copyOf(shows);
        this.online = online;
        this.changed = changed;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encore-on-air");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param online whether a show's performer audio is arriving now (e.g. {@code Router.performerOnline})
     * @param changed called with the new state on every change (the first check reports only shows already on air)
     */
    static OnAirWatcher start(List<String> shows, Predicate<String> online, BiConsumer<String, Boolean> changed,
            Duration period) {
        OnAirWatcher watcher = new OnAirWatcher(requireNonNull(shows, "shows"), requireNonNull(online, "online"),
                requireNonNull(changed, "changed"));
        long nanos = requireNonNull(period, "period").toNanos();
        watcher.executor.scheduleWithFixedDelay(watcher::check, 0, nanos, TimeUnit.NANOSECONDS);
        return watcher;
    }

    private void check() {
        for (String show : shows) {
            try {
                boolean now = online.test(show);
                Boolean before = last.put(show, now);
                if (before == null ? now : before != now) {
                    LOG.info("show {}: performer audio {}", show, now ? "on air" : "stopped");
                    changed.accept(show, now);
                }
            } catch (RuntimeException e) {
                LOG.warn("show {}: on-air check failed", show, e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
