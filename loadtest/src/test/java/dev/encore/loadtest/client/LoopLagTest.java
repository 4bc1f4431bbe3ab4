package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopLagTest {
    private final EventLoop idle = new DefaultEventLoop();
    private final EventLoop busy = new DefaultEventLoop();

    @AfterEach
    void stop() {
        idle.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        busy.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aLoopHeldByATaskShowsUpAsLateByAboutThatLong() throws Exception {
        LoopLag lag = new LoopLag(List.of(idle, busy));
        Thread.sleep(100);
        // The busy loop runs a task that takes 300 ms: its next probe runs about that much late.
        busy.submit(() -> sleep(300)).sync();
        Thread.sleep(100);
        lag.close();
        Histogram h = lag.histogram();

        assertThat(h.getTotalCount()).as("probes from both loops, every 10 ms").isGreaterThan(20);
        assertThat(h.getMaxValue()).as("the worst lateness, µs").isBetween(200_000L, 2_000_000L);
        assertThat(h.getValueAtPercentile(50)).as("most probes ran close to on time, µs").isLessThan(100_000L);
    }

    @Test
    void afterCloseTheProbesStop() throws Exception {
        LoopLag lag = new LoopLag(List.of(idle));
        Thread.sleep(50);
        lag.close();
        // The probe already scheduled (due within 10 ms) runs once more, before a task due later than it.
        idle.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).sync();
        lag.histogram();
        Thread.sleep(100);

        assertThat(lag.histogram().getTotalCount()).as("probes after close").isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
