package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.report.ListenerSummary;
import dev.encore.loadtest.report.ReportWriter;
import dev.encore.loadtest.report.RunReport;
import dev.encore.loadtest.report.SloResult;
import dev.encore.loadtest.report.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole tool against {@link LoopbackShowServer}: real WebRTC listeners, the synthetic performer, voters, requesters. */
class LoadRunTest {
    private static ClientRuntime runtime;
    @TempDir
    Path dataDir;
    private LoopbackShowServer server;
    private final StringWriter out = new StringWriter();

    @BeforeAll
    static void startRuntime() {
        runtime = ClientRuntime.create(new ClientRuntime.Options(2, 4, 2, Duration.ofSeconds(5), true));
    }

    @AfterAll
    static void stopRuntime() {
        runtime.close();
    }

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackShowServer(dataDir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RunSettings settings(Arrivals arrivals, Duration duration, double voters, double requesters, String slo) {
        return new RunSettings(server.base(), LoopbackShowServer.SHOW, null, arrivals, duration, 0, Duration.ofSeconds(60),
                RunSettings.Publish.SYNTHETIC, LoopbackShowServer.KEY, null, voters, requesters, 0.25, Slo.parse(slo), null, 0, 4,
                RunSettings.Media.WEBRTC, List.of("--test"));
    }

    private RunResult run(RunSettings settings) throws Exception {
        return new LoadRun(settings, LoadRun.runtimeOptions(settings), new PrintWriter(out, true)).run(runtime);
    }

    @Test
    void withoutMediaEveryArrivalJoinsTheShowChannelAndVotesAreCounted() throws Exception {
        RunSettings settings = new RunSettings(server.base(), LoopbackShowServer.SHOW, null, Arrivals.ramp(20, Duration.ofMillis(500)),
                Duration.ofSeconds(4), 0, Duration.ofSeconds(60), RunSettings.Publish.NONE, LoopbackShowServer.KEY, null, 1.0, 0.25,
                0.25, Slo.parse("joined>=100%,tally.p99<3s,request.p99<3s"), null, 0, 4, RunSettings.Media.NONE, List.of("--test"));
        RunResult r = run(settings);

        assertThat(r.exitCode()).as(out + FinalTable.render(r)).isEqualTo(RunResult.EXIT_MET);
        assertThat(r.count("arrivals")).isEqualTo(20);
        assertThat(r.count("channelJoined")).isEqualTo(20);
        assertThat(r.count("joined")).isEqualTo(20);
        // No WebRTC: the media server relayed nothing and the tool counted no packets.
        assertThat(server.packetsOut()).isZero();
        assertThat(r.count("packets")).isZero();
        long requesters = IntStream.range(0, 20).filter(i -> LoadRun.isChosen(i, 0.25, 0.5)).count();
        assertThat(r.count("votesAcked")).isEqualTo(r.count("votesSent")).isEqualTo(20);
        assertThat(r.histograms().get("tally").getTotalCount()).isEqualTo(20);
        assertThat(r.count("requestsAcked")).isEqualTo(requesters);
        assertThat(r.interactionErrors()).isEmpty();
    }

    @Test
    void listenersVotersAndRequestersAgreeWithWhatTheServerCounted() throws Exception {
        RunSettings settings = settings(Arrivals.ramp(8, Duration.ofMillis(800)), Duration.ofSeconds(4), 0.5, 0.25,
                "ttfa.p99<10s,latency.p99<2s,loss<1%,joined>=100%,tally.p99<3s,request.p99<3s");
        RunResult r = run(settings);

        assertThat(r.exitCode()).as(out + FinalTable.render(r)).isEqualTo(RunResult.EXIT_MET);
        assertThat(r.count("joined")).isEqualTo(8);
        assertThat(r.failures()).isEmpty();
        // Before the first arrival the tool warmed its join and packet path up in memory: DTLS handshakes (twice the
        // listeners), offer/answer and ICE (10 per listener), SRTP (100 packets per listener) and Opus (10 frames each).
        assertThat(r.count("warmUpHandshakes")).isEqualTo(16);
        assertThat(out.toString()).contains("warm-up: 16 DTLS handshakes, 80 offer/answer and ICE exchanges, 800 SRTP packets"
                + " and 80 Opus frames decoded, in memory");
        // Every copy the server relayed arrived, authenticated, once (loopback: no loss), and each carried a send time. A
        // copy sent the moment the server's DTLS side finished can beat the client's keys: dropped as early media.
        assertThat(r.count("packets") + r.count("earlyMedia")).isEqualTo(server.packetsOut());
        assertThat(r.count("packets")).isGreaterThan(8 * 100);
        assertThat(r.count("earlyMedia")).isLessThanOrEqualTo(8);
        assertThat(r.count("lost")).isZero();
        assertThat(r.count("toolSocketDrops")).as("read from /proc/net/udp for the listeners' ports").isZero();
        assertThat(r.count("stampedPackets")).isEqualTo(r.count("packets"));
        assertThat(r.histograms().get("latency").getTotalCount()).isEqualTo(r.count("packets"));
        assertThat(r.histograms().get("ttfa").getTotalCount()).isEqualTo(8);
        assertThat(r.histograms().get("toolLoopLag").getTotalCount()).as("the tool's loop-lag probes ran").isPositive();
        // The decode sample (slot 0 and every 4th) decoded the tone without errors.
        assertThat(r.count("decodeSample")).isEqualTo(2);
        assertThat(r.count("decodeErrors")).isZero();
        assertThat(r.count("toneOk")).isEqualTo(2);
        // The chosen voters and requesters joined the channel; one poll; every vote and request acked and seen.
        long voters = IntStream.range(0, 8).filter(i -> LoadRun.isChosen(i, 0.5, 0)).count();
        long requesters = IntStream.range(0, 8).filter(i -> LoadRun.isChosen(i, 0.25, 0.5)).count();
        long either = IntStream.range(0, 8).filter(i -> LoadRun.isChosen(i, 0.5, 0) || LoadRun.isChosen(i, 0.25, 0.5)).count();
        assertThat(voters).isBetween(3L, 5L);
        assertThat(requesters).isBetween(1L, 3L);
        assertThat(r.count("channelJoined")).isEqualTo(either);
        assertThat(r.count("polls")).isEqualTo(1);
        assertThat(r.count("votesAcked")).isEqualTo(r.count("votesSent")).isEqualTo(voters);
        assertThat(r.histograms().get("tally").getTotalCount()).isEqualTo(voters);
        assertThat(r.count("requestsAcked")).isEqualTo(requesters);
        assertThat(r.histograms().get("request").getTotalCount()).isEqualTo(requesters);
        assertThat(r.interactionErrors()).isEmpty();
        // The server's own view was scraped at least at the start and the end.
        assertThat(r.server().size()).isGreaterThanOrEqualTo(2);
        assertThat(r.server().get(r.server().size() - 1).sum("encore_media_packets_out_total")).isEqualTo(server.packetsOut());
        assertThat(r.seconds()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(out.toString()).contains("[   1s]", "8/8");
        assertThat(r.slo()).allMatch(Slo.Result::met);

        // The report writer gets every listener, every second, the histograms and the verdict.
        RunReport report = ReportHandoff.toReport(r, settings);
        assertThat(report.verdict()).isEqualTo(Verdict.PASS);
        assertThat(report.joined()).isEqualTo(8);
        assertThat(report.packetsReceived()).isEqualTo(r.count("packets"));
        assertThat(report.samples()).hasSameSizeAs(r.seconds());
        assertThat(report.histogram(RunReport.LATENCY).getTotalCount()).isEqualTo(r.count("packets"));
        assertThat(report.histogram(RunReport.TALLY).getTotalCount()).isEqualTo(voters);
        assertThat(report.histogram(RunReport.QUEUE).getTotalCount()).isEqualTo(requesters);
        assertThat(report.listeners()).filteredOn(ListenerSummary::decodeChecked).hasSize(2).allMatch(ListenerSummary::decodeOk);
        assertThat(report.serverMetrics()).containsKey("encore_media_packets_out_total").doesNotContainKey("other_metric");
        assertThat(report.slos()).hasSize(6).allMatch(SloResult::passed);
        Path dir = dataDir.resolve("report");
        ReportWriter.write(report, dir);
        assertThat(dir.resolve("report.json")).content().contains("\"joined\"");
        assertThat(dir.resolve("report.html")).exists();
        assertThat(dir.resolve("latency.hlog")).exists();
    }

    @Test
    void injectedLossAndDelayShowForExactlyThoseListenersAndFailTheVerdict() throws Exception {
        server.dropEveryNth(1, 20); // 5 %
        server.delay(2, 40);
        RunResult r = run(settings(Arrivals.ramp(4, Duration.ofMillis(1200)), Duration.ofSeconds(4), 0, 0,
                "loss<1%,latency.p99<30ms"));

        assertThat(r.exitCode()).isEqualTo(RunResult.EXIT_MISSED);
        assertThat(r.slo()).extracting(Slo.Result::met).containsExactly(false, false);
        RunResult.ListenerRow lossy = r.listeners().stream().filter(l -> l.slot() == 1).findFirst().orElseThrow();
        RunResult.ListenerRow slow = r.listeners().stream().filter(l -> l.slot() == 2).findFirst().orElseThrow();
        assertThat(lossy.lossRatio()).isBetween(0.04, 0.06);
        long normal = r.listeners().stream().filter(l -> l.slot() != 2).mapToLong(RunResult.ListenerRow::latencyMeanMicros).max()
                .orElseThrow();
        assertThat(slow.latencyMeanMicros() - normal).isBetween(30_000L, 60_000L);
        for (RunResult.ListenerRow l : r.listeners()) {
            if (l.slot() != 1) {
                assertThat(l.lost()).as("slot " + l.slot()).isZero();
            }
        }
        assertThat(r.count("concealment")).isGreaterThanOrEqualTo(lossy.lost());
    }

    @Test
    void aStormAgainstAFullServerReportsFullNotErrors() throws Exception {
        server.capacity(4);
        RunResult r = run(settings(Arrivals.storm(10, Duration.ofSeconds(1)), Duration.ofSeconds(2), 0, 0, "joined>=99.9%"));

        assertThat(r.count("joined")).isEqualTo(4);
        assertThat(r.failures()).containsExactly(java.util.Map.entry("full", 6L));
        assertThat(r.exitCode()).isEqualTo(RunResult.EXIT_MISSED);
        assertThat(FinalTable.render(r)).contains("full=6", "joined>=99.9%: 40.000 %  MISSED");
    }

    @Test
    void churnedListenersLeaveAndRejoinAsNewSessions() throws Exception {
        RunSettings s = new RunSettings(server.base(), LoopbackShowServer.SHOW, null, Arrivals.ramp(4, Duration.ofMillis(400)),
                Duration.ofSeconds(4), 1.0, Duration.ofSeconds(2), RunSettings.Publish.SYNTHETIC, LoopbackShowServer.KEY, null, 0, 0,
                0.01, Slo.parse("joined>=100%"), null, 0, 4, RunSettings.Media.WEBRTC, List.of());
        RunResult r = run(s);

        // 100 % of 4 listeners per 2 s: a leave every 0.5 s of the 4 s hold but its last 2 s, each back 1 s later.
        assertThat(r.count("churned")).isBetween(2L, 4L);
        assertThat(r.count("arrivals")).isEqualTo(4 + r.count("churned"));
        assertThat(r.count("unfinished")).isZero();
        assertThat(r.count("joined")).isEqualTo(r.count("arrivals"));
        assertThat(r.failures()).isEmpty();
        assertThat(r.listeners()).anyMatch(l -> l.session() > 0);
        assertThat(r.exitCode()).isEqualTo(RunResult.EXIT_MET);
    }

    @Test
    void aRefusedPerformerKeyCannotRun() {
        RunSettings s = new RunSettings(server.base(), LoopbackShowServer.SHOW, null, Arrivals.ramp(1, Duration.ZERO),
                Duration.ofSeconds(1), 0, Duration.ofSeconds(60), RunSettings.Publish.SYNTHETIC, "wrong-key-123", null, 0, 0, 0.01,
                Slo.none(), null, 0, 4, RunSettings.Media.WEBRTC, List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(s)).isInstanceOf(LoadRun.CouldNotRun.class)
                .hasMessageContaining("performer key was refused (WHIP answered 401)").hasMessageNotContaining("wrong-key-123");
    }

    @Test
    void aPerformerRefusedOnTheShowChannelCannotRun() {
        RunSettings s = new RunSettings(server.base(), LoopbackShowServer.SHOW, null, Arrivals.ramp(1, Duration.ZERO),
                Duration.ofSeconds(1), 0, Duration.ofSeconds(60), RunSettings.Publish.NONE, "wrong-key-456", null, 0.5, 0, 0.01,
                Slo.none(), null, 0, 4, RunSettings.Media.WEBRTC, List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(s)).isInstanceOf(LoadRun.CouldNotRun.class)
                .hasMessageContaining("refused the performer").hasMessageContaining("unauthorized")
                .hasMessageNotContaining("wrong-key-456");
    }

    @Test
    void anUnknownShowCannotRun() {
        RunSettings s = new RunSettings(server.base(), "nope", null, Arrivals.ramp(1, Duration.ZERO), Duration.ofSeconds(1), 0,
                Duration.ofSeconds(60), RunSettings.Publish.NONE, null, null, 0, 0, 0.01, Slo.none(), null, 0, 4,
                RunSettings.Media.WEBRTC, List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(s)).isInstanceOf(LoadRun.CouldNotRun.class)
                .hasMessageContaining("has no show 'nope'");
    }

    @Test
    void theLiveLineShowsProgressAndTheBar() {
        RunResult.Second sec = new RunResult.Second(4, 50, 100, 12, 1, 2500, 0.001, new org.HdrHistogram.Histogram(3), -1, 0.42,
                Double.NaN, 3, 0);
        org.HdrHistogram.Histogram ttfa = new org.HdrHistogram.Histogram(3);
        ttfa.recordValue(412_000);
        String line = LoadRun.progressLine(sec, 100, ttfa, new org.HdrHistogram.Histogram(3));
        assertThat(line).contains("[   5s]", "[##########..........]", "50/100", "joins   12/s", "pkts    2500/s", "0.100%",
                "ttfa p99 412ms", "lat p99 -", "cpu  42%", "failed 1");
    }

    @Test
    void theDecodeSampleAndTheInteractingListenersAreSpreadEvenly() {
        assertThat(LoadRun.isSampled(0, 0)).isTrue();
        assertThat(LoadRun.isSampled(100, 0.01)).isTrue();
        assertThat(LoadRun.isSampled(50, 0.01)).isFalse();
        long chosen = java.util.stream.IntStream.range(0, 1000).filter(i -> LoadRun.isChosen(i, 0.3, 0)).count();
        assertThat(chosen).isBetween(295L, 305L);
    }
}
