package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerGroup;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.WebRtcListener;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A listener load run: starts {@code listeners} WebRTC listeners evenly over {@code ramp}, keeps them for {@code duration},
 * prints progress every second, then leaves and sums up ({@link LoadReport}). Every listener is a full
 * {@link WebRtcListener} (ICE, DTLS-SRTP, SRTP authentication, receiver reports) on one shared {@link ClientRuntime}.
 *
 * <p>Runs on the calling thread; the listeners live on the runtime's event loops.
 */
public final class ListenerLoad {

    /**
     * What to run.
     *
     * @param target the server's HTTP base URL
     * @param showId the show to listen to
     * @param listeners how many listeners
     * @param ramp the time over which they join, evenly spaced
     * @param duration how long they stay once the ramp is over
     * @param token a bearer token for token-access shows, or null (a secret: not printed)
     */
    public record Settings(URI target, String showId, int listeners, Duration ramp, Duration duration, String token) {
        public Settings {
            requireNonNull(target, "target");
            requireNonNull(showId, "showId");
            requireNonNull(ramp, "ramp");
            requireNonNull(duration, "duration");
            String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
                throw new IllegalArgumentException("target: " + target + " (expected: an http:// or https:// URL)");
            }
            if (listeners < 1) {
                throw new IllegalArgumentException("listeners: " + listeners + " (expected: >= 1)");
            }
            if (ramp.isNegative() || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("ramp " + ramp + ", duration " + duration
                        + " (expected: ramp >= 0, duration > 0)");
            }
        }

        @Override
        public String toString() {
            return "Settings[" + target + ", show=" + showId + ", listeners=" + listeners + ", ramp=" + ramp + ", duration="
                    + duration + ", token=" + (token == null ? "none" : "****") + "]";
        }
    }

    private final Settings settings;
    private final ClientRuntime.Options runtimeOptions;
    private final PrintWriter out;

    public ListenerLoad(Settings settings, ClientRuntime.Options runtimeOptions, PrintWriter out) {
        this.settings = requireNonNull(settings, "settings");
        this.runtimeOptions = requireNonNull(runtimeOptions, "runtimeOptions");
        this.out = requireNonNull(out, "out");
    }

    /** Runs the load on a runtime of its own, closed at the end. */
    public LoadReport run() throws InterruptedException {
        try (ClientRuntime runtime = ClientRuntime.create(runtimeOptions)) {
            return run(runtime);
        }
    }

    /** Runs the load on {@code runtime} (left open). */
    public LoadReport run(ClientRuntime runtime) throws InterruptedException {
        out.printf(Locale.ROOT, "Encore listener load: %s show %s, %d listeners, ramp %s, then %s (%s)%n", settings.target(),
                settings.showId(), settings.listeners(), Durations.format(settings.ramp()), Durations.format(settings.duration()),
                runtime.transport());
        out.flush();
        ListenerConfig config = ListenerConfig.builder(settings.target(), settings.showId()).token(settings.token()).build();
        ListenerGroup group = new ListenerGroup(runtime);
        int n = settings.listeners();
        long rampNanos = settings.ramp().toNanos();
        long t0 = System.nanoTime();
        long end = t0 + rampNanos + settings.duration().toNanos();
        long nextProgress = t0 + TimeUnit.SECONDS.toNanos(1);
        int started = 0;
        try {
            while (true) {
                long now = System.nanoTime();
                while (started < n && now - startTime(t0, rampNanos, n, started) >= 0) {
                    group.join(config);
                    started++;
                }
                if (now - end >= 0) {
                    break;
                }
                if (now - nextProgress >= 0) {
                    progress(group, now - t0);
                    nextProgress += TimeUnit.SECONDS.toNanos(1);
                }
                long wake = Math.min(end, nextProgress);
                if (started < n) {
                    wake = Math.min(wake, startTime(t0, rampNanos, n, started));
                }
                long sleepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), wake - System.nanoTime());
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            }
            progress(group, System.nanoTime() - t0);
            List<ListenerOutcome> outcomes = new ArrayList<>(n);
            for (WebRtcListener l : group.listeners()) {
                outcomes.add(outcome(l));
            }
            LoadReport report = LoadReport.summarize(n, outcomes);
            out.println();
            out.print(report.render());
            out.flush();
            return report;
        } finally {
            group.close();
        }
    }

    /** When listener {@code i} of {@code n} starts: evenly over the ramp, the first at once. */
    static long startTime(long t0, long rampNanos, int n, int i) {
        return n <= 1 ? t0 : t0 + (long) ((double) rampNanos * i / n);
    }

    private void progress(ListenerGroup group, long elapsedNanos) {
        out.printf(Locale.ROOT, "[%4ds] connected %d/%d  failed %d  dtls queued %d%n", TimeUnit.NANOSECONDS.toSeconds(elapsedNanos),
                group.connectedCount(), settings.listeners(), group.failedCount(), group.runtime().dtlsQueued());
        out.flush();
    }

    private static ListenerOutcome outcome(WebRtcListener l) {
        boolean joined = l.timings().dtlsNanos() >= 0;
        String failure = null;
        if (l.failure() != null) {
            failure = l.failure().reason().name();
        } else if (!joined) {
            failure = "NOT_CONNECTED";
        }
        ListenerStats stats = l.stats();
        return new ListenerOutcome(joined, failure, stats, l.timings());
    }
}
