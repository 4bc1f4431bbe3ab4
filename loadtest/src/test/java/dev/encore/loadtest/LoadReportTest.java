package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.PhaseTimings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    private static final long MS = 1_000_000L;

    private static ListenerStats stats(long packets, long expected, Map<DropReason, Long> drops) {
        return new ListenerStats(packets, packets * 100, expected, expected - packets, 0, 0, 48, 1.0, 0, 0, 0, 5, 5, 300, drops);
    }

    private static ListenerOutcome joined(long packets, long expected, long ttfaMillis) {
        return new ListenerOutcome(true, null, stats(packets, expected, Map.of()),
                new PhaseTimings(0, MS, 2 * MS, 3 * MS, 10 * MS, ttfaMillis * MS));
    }

    @Test
    void deliveryIsReceivedOverEachListenersSpan() {
        List<ListenerOutcome> outcomes = List.of(joined(1000, 1000, 40), joined(998, 1000, 60));
        LoadReport report = LoadReport.summarize(2, outcomes);
        assertThat(report.packetsReceived()).isEqualTo(1998);
        assertThat(report.packetsExpected()).isEqualTo(2000);
        assertThat(report.lost()).isEqualTo(2);
        assertThat(report.deliveryRatio()).isEqualTo(0.999);
        assertThat(report.exitCode()).isEqualTo(LoadReport.EXIT_PASS);
        assertThat(report.render()).contains("2 / 2").contains("99.900 %").contains("PASS");
    }

    @Test
    void belowTheThresholdFails() {
        LoadReport report = LoadReport.summarize(2, List.of(joined(1000, 1000, 40), joined(997, 1000, 60)));
        assertThat(report.deliveryRatio()).isLessThan(0.999);
        assertThat(report.exitCode()).isEqualTo(LoadReport.EXIT_FAIL);
        assertThat(report.render()).contains("FAIL");
    }

    @Test
    void failedJoinsAreCountedByReasonAndFailTheRun() {
        List<ListenerOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(joined(100, 100, 40));
        }
        outcomes.add(new ListenerOutcome(false, "ICE_TIMEOUT", stats(0, 0, Map.of()), new PhaseTimings(0, MS, MS, -1, -1, -1)));
        outcomes.add(new ListenerOutcome(false, "WHEP_STATUS", null, new PhaseTimings(0, -1, -1, -1, -1, -1)));
        LoadReport report = LoadReport.summarize(10, outcomes);
        assertThat(report.joined()).isEqualTo(8);
        assertThat(report.failures()).containsEntry("ICE_TIMEOUT", 1L).containsEntry("WHEP_STATUS", 1L);
        assertThat(report.failed()).isEqualTo(2);
        assertThat(report.deliveryRatio()).isEqualTo(1.0);
        assertThat(report.exitCode()).isEqualTo(LoadReport.EXIT_FAIL);
        assertThat(report.render()).contains("ICE_TIMEOUT=1");
    }

    @Test
    void nothingJoinedMeansTheRunCouldNotHappen() {
        LoadReport report = LoadReport.summarize(1,
                List.of(new ListenerOutcome(false, "WHEP_IO", null, new PhaseTimings(0, -1, -1, -1, -1, -1))));
        assertThat(report.exitCode()).isEqualTo(LoadReport.EXIT_COULD_NOT_RUN);
        assertThat(report.render()).contains("n/a").contains("COULD NOT RUN");
    }

    @Test
    void ttfaPercentilesAndDropsAreReported() {
        List<ListenerOutcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            outcomes.add(joined(50, 50, i));
        }
        outcomes.add(new ListenerOutcome(true, null, stats(50, 50, Map.of(DropReason.AUTH, 2L, DropReason.REPLAY, 1L,
                DropReason.UNKNOWN, 4L)), new PhaseTimings(0, MS, MS, 2 * MS, 3 * MS, 1000 * MS)));
        LoadReport report = LoadReport.summarize(101, outcomes);
        assertThat(report.ttfa().getValueAtPercentile(50) / 1000.0).isBetween(50.0, 52.0);
        assertThat(report.ttfa().getValueAtPercentile(99) / 1000.0).isBetween(99.0, 101.0);
        assertThat(report.ttfa().getMaxValue() / 1000.0).isBetween(999.0, 1001.0);
        assertThat(report.authFailures()).isEqualTo(2);
        assertThat(report.replayFailures()).isEqualTo(1);
        assertThat(report.otherDrops()).isEqualTo(4);
        assertThat(report.render()).contains("2 / 1");
    }
}
