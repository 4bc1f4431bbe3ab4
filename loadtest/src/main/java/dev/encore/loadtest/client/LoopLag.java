package dev.encore.loadtest.client;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late the tool's own event loops run. Each loop runs a probe every {@link #PERIOD_NANOS}; how much later than planned
 * it ran is how long anything that became ready then (a datagram, a frame, an answer, a timer) waited for the loop before
 * the tool saw it. A load tool whose loops run late adds that wait to every time it measures, so the report says how late
 * they were (5,000 show-channel members reading every broadcast on two loops: docs/benchmarks.md, fifth pass).
 *
 * <p>Thread: each probe runs on its loop; the recorder is thread-safe; {@link #close} from any thread.
 */
public final class LoopLag implements AutoCloseable {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Recorder lag = new Recorder(3);
    private volatile boolean closed;

    /** Starts a probe on each of these loops. */
    public LoopLag(Iterable<? extends EventExecutor> loops) {
        for (EventExecutor loop : loops) {
            probe(loop);
        }
    }

    private void probe(EventExecutor loop) {
        long due = System.nanoTime() + PERIOD_NANOS;
        try {
            loop.schedule(() -> {
                lag.recordValue(Math.max(0, System.nanoTime() - due) / 1000);
                if (!closed) {
                    probe(loop);
                }
            }, PERIOD_NANOS, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down: nothing left to measure
        }
    }

    /** The lateness (µs) of every probe since the previous call (the first call: since the start). */
    public Histogram histogram() {
        return lag.getIntervalHistogram();
    }

    @Override
    public void close() {
        closed = true;
    }
}
