package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.report.RunMeta;
import dev.encore.loadtest.report.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportHandoffTest {

    @Test
    void joinsHeldInTheToolsOwnDtlsQueueAreCalledOutAsTheToolsBottleneck() {
        List<String> held = notes(waits(400_000, 900_000));
        assertThat(held).anySatisfy(n -> assertThat(n).contains("tool's own DTLS queue", "64 handshakes at once",
                "--dtls-threads", "the tool may have been the bottleneck"));

        List<String> quick = notes(waits(2_000, 30_000));
        assertThat(quick).noneSatisfy(n -> assertThat(n).contains("DTLS queue"));
    }

    @Test
    void dropsOnTheToolsOwnSocketsAreCalledTheToolsLoss() {
        RunResult r = new RunResult("loadtest", "settings", Instant.EPOCH, new RunMeta.Machine(2, "Linux test", "17"),
                List.of(), Map.of(), Map.of("toolSocketDrops", 22_420L), Map.of(), Map.of(), List.of(), List.of(), List.of(),
                RunResult.EXIT_MISSED, "FAIL");
        RunReport.Builder b = RunReport.builder(new RunMeta("dev", List.of("loadtest"), "http://127.0.0.1:1", "demo",
                Instant.EPOCH, Duration.ofSeconds(1), new RunMeta.Machine(2, "Linux test", "17")));
        ReportHandoff.notes(r, b);
        assertThat(b.build().notes()).anySatisfy(n -> assertThat(n).contains("22,420 datagrams", "the tool was the bottleneck"));
    }

    @Test
    void eventLoopsThatRanLateAreCalledOutWithHowLate() {
        Histogram late = new Histogram(3);
        late.recordValueWithCount(1_000, 90); // µs
        late.recordValueWithCount(420_000, 10);
        RunResult r = withLoopLag(late);
        assertThat(notes(r)).anySatisfy(n -> assertThat(n).containsPattern("ran up to 42\\d ms late")
                .contains("the tool may have been the bottleneck"));
        assertThat(FinalTable.render(r)).containsPattern("late p99 42\\d\\.\\d ms, max 42\\d\\.\\d ms");

        Histogram onTime = new Histogram(3);
        onTime.recordValueWithCount(2_000, 100);
        assertThat(notes(withLoopLag(onTime))).noneSatisfy(n -> assertThat(n).contains("event loops ran"));
    }

    private static RunResult withLoopLag(Histogram lag) {
        return new RunResult("loadtest", "settings", Instant.EPOCH, new RunMeta.Machine(2, "Linux test", "17"), List.of(),
                Map.of("toolLoopLag", lag), Map.of(), Map.of(), Map.of(), List.of(), List.of(), List.of(),
                RunResult.EXIT_MISSED, "FAIL");
    }

    @Test
    void latencyThatTheServerDidNotAddIsCalledTheToolsLag() {
        Histogram latency = new Histogram(3);
        latency.recordValueWithCount(1_400_000, 100); // 1.4 s, in µs
        assertThat(ReportHandoff.receiveLag(withServerDelay(latency, 0.068))).containsPattern("p50 140[01] ms")
                .contains("at most 68 ms", "the tool may have been the bottleneck");
        assertThat(ReportHandoff.receiveLag(withServerDelay(latency, 1.2))).as("the server's own delay").isNull();
        Histogram quick = new Histogram(3);
        quick.recordValueWithCount(30_000, 100);
        assertThat(ReportHandoff.receiveLag(withServerDelay(quick, 0.005))).as("30 ms is no lag").isNull();
    }

    private static RunResult withServerDelay(Histogram latency, double serverP50Seconds) {
        ServerMetrics.Sample scrape = new ServerMetrics.Sample(5_000,
                Map.of("encore_media_server_delay_seconds{quantile=\"0.5\"}", serverP50Seconds));
        return new RunResult("loadtest", "settings", Instant.EPOCH, new RunMeta.Machine(2, "Linux test", "17"), List.of(),
                Map.of("latency", latency), Map.of(), Map.of(), Map.of(), List.of(), List.of(scrape), List.of(),
                RunResult.EXIT_MET, "PASS");
    }

    /** Half the handshakes waited {@code p50Micros} for a tool thread, the rest {@code highMicros}. */
    private static Histogram waits(long p50Micros, long highMicros) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(p50Micros, 60);
        h.recordValueWithCount(highMicros, 40);
        return h;
    }

    private static List<String> notes(Histogram dtlsThreadWait) {
        return notes(new RunResult("loadtest", "settings", Instant.EPOCH, new RunMeta.Machine(2, "Linux test", "17"),
                List.of(), Map.of("dtlsThreadWait", dtlsThreadWait), Map.of("dtlsThreads", 64L), Map.of(), Map.of(),
                List.of(), List.of(), List.of(), RunResult.EXIT_MET, "PASS"));
    }

    private static List<String> notes(RunResult r) {
        RunReport.Builder b = RunReport.builder(new RunMeta("dev", List.of("loadtest"), "http://127.0.0.1:1", "demo",
                Instant.EPOCH, Duration.ofSeconds(1), new RunMeta.Machine(2, "Linux test", "17")));
        ReportHandoff.notes(r, b);
        return b.build().notes();
    }
}
