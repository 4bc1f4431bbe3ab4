package dev.encore.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final String HOSTILE_SHOW = "<script>alert('x')</script>&\"";
    private static final Instant START = Instant.parse("2025-05-01T20:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** A run of 10 s: 4 listeners (one never joined, one lost 5% of its packets), one missed SLO. */
    static RunReport synthetic() {
        RunMeta meta = new RunMeta("0.1.0-test", List.of("loadtest", "--show", HOSTILE_SHOW), "http://127.0.0.1:8080",
                HOSTILE_SHOW, START, Duration.ofSeconds(10), new RunMeta.Machine(2, "Linux test", "17"));
        Histogram ttfa = RunReport.newHistogram();
        for (long v = 100_000; v <= 900_000; v += 1_237) {
            ttfa.recordValue(v);
        }
        Histogram signaling = RunReport.newHistogram();
        signaling.recordValue(12_345);
        signaling.recordValue(67_890);
        Histogram latency = RunReport.newHistogram();
        RunReport.Builder b = RunReport.builder(meta)
                .slo(new SloResult("ttfa.p99<1s", 893.1, "ms", 1000, true))
                .slo(new SloResult("loss<0.1%", 1.25, "%", 0.1, false))
                .histogram(RunReport.TTFA, ttfa)
                .histogram(RunReport.TTFA_SIGNALING, signaling)
                .histogram(RunReport.TALLY, RunReport.newHistogram())
                .failure("full", 1)
                .failure("timeout", 2)
                .failure("full", 1)
                .serverMetric("encore_media_packets_sent_total", 100, 2_100)
                .serverMetric("encore_cpu", Double.NaN, 0.5)
                .note("tool CPU was above 90%: <b>the tool</b> may have been the bottleneck");
        for (int s = 0; s < 10; s++) {
            Histogram interval = RunReport.newHistogram();
            for (int i = 0; i <= 50 * (s + 1); i++) {
                interval.recordValue(2_000 + 97L * i + 1_000L * s);
            }
            latency.add(interval);
            b.sample(new Sample(s, Math.min(3, s + 1), 4, s < 3 ? 1 : 0, s == 0 ? 1 : 0, 150, s == 5 ? 0.05 : 0, 0.2 + s * 0.01,
                    s % 2 == 0 ? Double.NaN : 0.4, interval));
        }
        b.histogram(RunReport.LATENCY, latency);
        b.listener(new ListenerSummary("L0002", true, 200_000, 500, 475, 25, 1, 2, false, false, ""));
        b.listener(new ListenerSummary("L0001", true, 150_000, 500, 500, 0, 0, 0, true, true, ""));
        b.listener(new ListenerSummary("L0003", true, 893_100, 400, 400, 0, 0, 0, true, false, ""));
        b.listener(new ListenerSummary("L0004", false, -1, 0, 0, 0, 0, 0, false, false, "timeout"));
        return b.build();
    }

    static RunReport empty() {
        RunMeta meta = new RunMeta("0.1.0-test", List.of(), "http://127.0.0.1:1", "", START, Duration.ZERO,
                RunMeta.Machine.current());
        return RunReport.builder(meta).verdict(Verdict.COULD_NOT_RUN)
                .listener(new ListenerSummary("L0001", false, -1, 0, 0, 0, 0, 0, false, false, "refused"))
                .failure("refused", 1)
                .build();
    }

    @Test
    void jsonHasTheExactPercentilesAndFigures() throws IOException {
        RunReport r = synthetic();
        ReportWriter.write(r, dir);

        JsonNode json = MAPPER.readTree(dir.resolve("report.json").toFile());
        assertThat(json.get("format").asText()).isEqualTo("encore-loadtest-report/1");
        assertThat(json.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.at("/meta/show").asText()).isEqualTo(HOSTILE_SHOW);
        assertThat(json.at("/meta/startedAt").asText()).isEqualTo("2025-05-01T20:00:00Z");
        assertThat(json.at("/meta/machine/cores").asInt()).isEqualTo(2);

        for (String name : List.of(RunReport.TTFA, RunReport.TTFA_SIGNALING, RunReport.LATENCY)) {
            assertPercentiles(json.get("histograms").get(name), r.histogram(name));
        }
        // HdrHistogram reports the highest value equivalent at 3 significant digits: 12,345 us reads as 12,351 us
        assertThat(json.at("/histograms/ttfa.signaling/p50").decimalValue()).isEqualByComparingTo("12.351");
        assertThat(json.at("/histograms/tally/count").asLong()).isZero();
        assertThat(json.at("/histograms/tally/p99").isNull()).isTrue();

        assertThat(json.get("slos")).hasSize(2);
        assertThat(json.at("/slos/1/expression").asText()).isEqualTo("loss<0.1%");
        assertThat(json.at("/slos/1/passed").asBoolean()).isFalse();
        assertThat(json.at("/slos/1/measured").asDouble()).isEqualTo(1.25);

        assertThat(json.at("/summary/joined").asInt()).isEqualTo(3);
        assertThat(json.at("/summary/packetsExpected").asLong()).isEqualTo(1_400);
        assertThat(json.at("/summary/packetsLost").asLong()).isEqualTo(25);
        assertThat(json.at("/summary/decodeChecked").asLong()).isEqualTo(2);
        assertThat(json.at("/summary/decodeOk").asLong()).isEqualTo(1);
        assertThat(json.at("/failures/full").asLong()).isEqualTo(2);
        assertThat(json.at("/failures/timeout").asLong()).isEqualTo(2);
        assertThat(json.at("/serverMetrics/encore_media_packets_sent_total/delta").asDouble()).isEqualTo(2_000);
        assertThat(json.at("/serverMetrics/encore_cpu/start").isNull()).isTrue();

        assertThat(json.get("samples")).hasSize(10);
        for (int s = 0; s < 10; s++) {
            JsonNode sample = json.get("samples").get(s);
            assertThat(sample.get("t").asInt()).isEqualTo(s);
            assertPercentiles(sample.get("latency"), r.samples().get(s).latency());
        }
        assertThat(json.at("/samples/0/serverCpu").isNull()).isTrue();
        assertThat(json.at("/samples/1/serverCpu").asDouble()).isEqualTo(0.4);
        assertThat(json.at("/samples/5/lossFraction").asDouble()).isEqualTo(0.05);

        JsonNode listeners = json.get("listeners");
        assertThat(listeners).hasSize(4);
        assertThat(listeners.get(0).get("id").asText()).isEqualTo("L0001");
        assertThat(listeners.get(1).get("lossFraction").asDouble()).isEqualTo(0.05);
        assertThat(listeners.get(1).get("ttfaMs").decimalValue()).isEqualByComparingTo("200.000");
        assertThat(listeners.get(3).get("ttfaMs").isNull()).isTrue();
        assertThat(listeners.get(3).get("failure").asText()).isEqualTo("timeout");
        assertThat(json.at("/notes/0").asText()).contains("<b>the tool</b>");
    }

    private static void assertPercentiles(JsonNode node, Histogram h) {
        assertThat(node.get("count").asLong()).isEqualTo(h.getTotalCount());
        double[] percentiles = {50, 90, 99, 99.9};
        String[] keys = {"p50", "p90", "p99", "p99.9"};
        for (int i = 0; i < keys.length; i++) {
            assertThat(node.get(keys[i]).decimalValue()).as(keys[i])
                    .isEqualByComparingTo(BigDecimal.valueOf(h.getValueAtPercentile(percentiles[i]), 3));
        }
        assertThat(node.get("max").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(h.getMaxValue(), 3));
        assertThat(node.get("max").decimalValue().scale()).isEqualTo(3);
    }

    @Test
    void hlogsReadBackIntoTheSameHistograms() throws IOException {
        RunReport r = synthetic();
        ReportWriter.write(r, dir);

        List<EncodableHistogram> latency = readAll(dir.resolve("latency.hlog"));
        assertThat(latency).hasSize(10);
        for (int s = 0; s < 10; s++) {
            Histogram read = (Histogram) latency.get(s);
            Histogram written = r.samples().get(s).latency();
            assertThat(read.getTotalCount()).isEqualTo(written.getTotalCount());
            assertThat(read).isEqualTo(written);
            assertThat(read.getStartTimeStamp()).isEqualTo(START.toEpochMilli() + 1_000L * s);
            assertThat(read.getEndTimeStamp()).isEqualTo(START.toEpochMilli() + 1_000L * (s + 1));
        }

        List<EncodableHistogram> ttfa = readAll(dir.resolve("ttfa.hlog"));
        assertThat(ttfa).hasSize(1);
        assertThat(ttfa.get(0)).isEqualTo(r.histogram(RunReport.TTFA));
        assertThat(((Histogram) ttfa.get(0)).getTotalCount()).isEqualTo(r.histogram(RunReport.TTFA).getTotalCount());
        assertThat(readAll(dir.resolve("ttfa.signaling.hlog")).get(0)).isEqualTo(r.histogram(RunReport.TTFA_SIGNALING));
        assertThat(((Histogram) readAll(dir.resolve("tally.hlog")).get(0)).getTotalCount()).isZero();

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("report.html",
                    "report.json", "tally.hlog", "ttfa.hlog", "ttfa.signaling.hlog", "latency.hlog");
        }
    }

    @Test
    void hdrHistogramsLogProcessorReadsTheLatencyLog() throws Exception {
        RunReport r = synthetic();
        ReportWriter.write(r, dir);
        Path out = dir.resolve("processed");
        HistogramLogProcessor processor = new HistogramLogProcessor(new String[] {"-i", dir.resolve("latency.hlog").toString(),
            "-o", out.toString(), "-outputValueUnitRatio", "1000", "-csv"});
        processor.run();

        // the whole-run summary (.hgrm, in ms) ends with the total count; the interval file has one line per second
        String hgrm = Files.readString(dir.resolve("processed.hgrm"));
        assertThat(hgrm).contains(Long.toString(r.histogram(RunReport.LATENCY).getTotalCount()));
        List<String> intervals = Files.readAllLines(out).stream().filter(l -> !l.isBlank() && Character.isDigit(l.charAt(0)))
                .toList();
        assertThat(intervals).hasSize(10);
        assertThat(intervals.get(9).split(",")[1]).isEqualTo(Long.toString(r.samples().get(9).latency().getTotalCount()));
    }

    private static List<EncodableHistogram> readAll(Path file) throws IOException {
        List<EncodableHistogram> out = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                out.add(h);
            }
        }
        return out;
    }

    @Test
    void htmlIsSelfContainedEscapedAndHasTheVerdictAndFourPlots() throws IOException {
        ReportWriter.write(synthetic(), dir);
        String html = Files.readString(dir.resolve("report.html"));

        assertThat(count(html, "<svg")).isEqualTo(4);
        assertThat(count(html, "</svg>")).isEqualTo(4);
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe").doesNotContainIgnoringCase("@import")
                .doesNotContainIgnoringCase("url(").doesNotContainIgnoringCase("src=").doesNotContainIgnoringCase("href=");
        // the only http:// is the target, shown as text
        Matcher m = Pattern.compile("https?://").matcher(html);
        while (m.find()) {
            assertThat(html.substring(m.start(), m.start() + 21)).isEqualTo("http://127.0.0.1:8080");
            assertThat(html.charAt(m.start() - 1)).isNotIn('"', '\'', '(');
        }
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
                .contains("&lt;b&gt;the tool&lt;/b&gt;")
                .contains("<div class=\"verdict FAIL\">FAIL</div>")
                .contains("loss&lt;0.1%")
                .contains("Listeners and joins over time", "One-way latency percentiles over time", "Time to first audio",
                        "Loss per listener");
        assertThat(html).contains("L0002: 5.000 %");
        assertThat(count(html, "<html")).isEqualTo(1);
        assertThat(html).endsWith("</html>\n");
    }

    @Test
    void anEmptyRunStillWritesValidFiles() throws IOException {
        RunReport r = empty();
        Path out = dir.resolve("nested/report");
        ReportWriter.write(r, out);

        JsonNode json = MAPPER.readTree(out.resolve("report.json").toFile());
        assertThat(json.get("verdict").asText()).isEqualTo("COULD_NOT_RUN");
        assertThat(json.get("exitCode").asInt()).isEqualTo(2);
        assertThat(json.at("/summary/joined").asInt()).isZero();
        assertThat(json.at("/summary/lossFraction").asDouble()).isZero();
        assertThat(json.get("samples")).isEmpty();
        assertThat(json.get("histograms")).isEmpty();
        assertThat(json.at("/meta/durationSeconds").asDouble()).isZero();

        String html = Files.readString(out.resolve("report.html"));
        assertThat(count(html, "<svg")).isEqualTo(4);
        assertThat(html).contains("COULD NOT RUN").contains("no data").doesNotContain("NaN").doesNotContain("Infinity");

        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("report.html",
                    "report.json");
        }
        assertThat(ReportText.summary(r)).contains("COULD NOT RUN").contains("0 of 1").doesNotContain("NaN");
    }

    @Test
    void writingTwiceReplacesTheFiles() throws IOException {
        ReportWriter.write(synthetic(), dir);
        ReportWriter.write(empty(), dir);
        assertThat(MAPPER.readTree(dir.resolve("report.json").toFile()).get("verdict").asText()).isEqualTo("COULD_NOT_RUN");
        assertThat(readAll(dir.resolve("ttfa.hlog"))).hasSize(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void theConsoleSummaryShowsVerdictObjectivesAndPercentiles() {
        RunReport r = synthetic();
        String text = ReportText.summary(r);
        long p99 = r.histogram(RunReport.TTFA).getValueAtPercentile(99);
        assertThat(text).startsWith("Result: FAIL\n")
                .contains("FAIL loss<0.1%")
                .contains("ok   ttfa.p99<1s")
                .contains("measured 1.25 % (limit 0.1)")
                .contains("3 of 4 (target 4)")
                .contains("1.786 %")
                .contains(Percentiles.msText(p99))
                .contains("{full=2, timeout=2}")
                .contains("note: tool CPU was above 90%");
    }

    @Test
    void verdictFollowsTheObjectivesUnlessSet() {
        RunMeta meta = synthetic().meta();
        assertThat(RunReport.builder(meta).slo(new SloResult("a", 1, "ms", 2, true)).build().verdict()).isEqualTo(Verdict.PASS);
        assertThat(RunReport.builder(meta).slo(new SloResult("a", 1, "ms", 2, true)).slo(new SloResult("b", 3, "ms", 2, false))
                .build().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(RunReport.builder(meta).verdict(Verdict.COULD_NOT_RUN).build().verdict().exitCode()).isEqualTo(2);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
