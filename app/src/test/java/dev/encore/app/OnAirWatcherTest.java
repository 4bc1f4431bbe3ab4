package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Changes of the performer's audio reach the show channel once each, and only changes. */
class OnAirWatcherTest {

    @Test
    void reportsEachChangeOnceAndShowsAlreadyOnAirAtStart() throws Exception {
        Map<String, Boolean> online = new ConcurrentHashMap<>(Map.of("a", true, "b", false));
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        try (OnAirWatcher watcher = OnAirWatcher.start(List.of("a", "b"), online::get, (show, on) -> changes.add(show + "=" + on),
                Duration.ofMillis(5))) {
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("a=true");
            online.put("b", true);
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("b=true");
            online.put("a", false);
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("a=false");
            // Many more checks with nothing changing: nothing more is reported.
            assertThat(changes.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void aFailingCheckDoesNotStopTheOthers() throws Exception {
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        try (OnAirWatcher watcher = OnAirWatcher.start(List.of("broken", "fine"), show -> {
            if (show.equals("broken")) {
                throw new IllegalStateException("no router");
            }
            return true;
        }, (show, on) -> changes.add(show + "=" + on), Duration.ofMillis(5))) {
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("fine=true");
        }
    }
}
