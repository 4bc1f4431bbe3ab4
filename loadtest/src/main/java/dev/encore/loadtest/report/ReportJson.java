package dev.encore.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Builds {@code report.json}; the field names are documented on {@link ReportWriter} and are a stable interface. */
final class ReportJson {

    /** The value of the top-level {@code format} field; bump the number on an incompatible change. */
    static final String FORMAT = "encore-loadtest-report/1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    static byte[] bytes(RunReport r) throws java.io.IOException {
        return MAPPER.writeValueAsBytes(tree(r));
    }

    static ObjectNode tree(RunReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("verdict", r.verdict().name());
        root.put("exitCode", r.verdict().exitCode());

        RunMeta m = r.meta();
        ObjectNode meta = root.putObject("meta");
        meta.put("toolVersion", m.toolVersion());
        ArrayNode cmd = meta.putArray("commandLine");
        m.commandLine().forEach(cmd::add);
        meta.put("target", m.target());
        meta.put("show", m.show());
        meta.put("startedAt", m.startedAt().toString());
        meta.put("durationSeconds", m.duration().toMillis() / 1000.0);
        ObjectNode machine = meta.putObject("machine");
        machine.put("cores", m.machine().cores());
        machine.put("os", m.machine().os());
        machine.put("java", m.machine().java());

        ArrayNode slos = root.putArray("slos");
        for (SloResult s : r.slos()) {
            ObjectNode o = slos.addObject();
            o.put("expression", s.expression());
            number(o, "measured", s.measured());
            o.put("unit", s.unit());
            number(o, "threshold", s.threshold());
            o.put("passed", s.passed());
        }

        ObjectNode summary = root.putObject("summary");
        summary.put("listeners", r.listeners().size());
        summary.put("joined", r.joined());
        summary.put("failed", r.failed());
        summary.put("packetsExpected", r.packetsExpected());
        summary.put("packetsReceived", r.packetsReceived());
        summary.put("packetsLost", r.packetsLost());
        summary.put("lossFraction", r.lossFraction());
        summary.put("duplicated", r.listeners().stream().mapToLong(ListenerSummary::duplicated).sum());
        summary.put("reordered", r.listeners().stream().mapToLong(ListenerSummary::reordered).sum());
        summary.put("decodeChecked", r.listeners().stream().filter(ListenerSummary::decodeChecked).count());
        summary.put("decodeOk", r.listeners().stream().filter(l -> l.decodeChecked() && l.decodeOk()).count());
        summary.put("peakConnected", r.samples().stream().mapToInt(Sample::connected).max().orElse(0));
        summary.put("maxToolCpu", r.samples().stream().mapToDouble(Sample::toolCpu).max().orElse(0));

        ObjectNode histograms = root.putObject("histograms");
        for (Map.Entry<String, Histogram> e : r.histograms().entrySet()) {
            histograms.set(e.getKey(), histogram(e.getValue()));
        }

        ObjectNode failures = root.putObject("failures");
        r.failures().forEach(failures::put);

        ObjectNode metrics = root.putObject("serverMetrics");
        r.serverMetrics().forEach((name, v) -> {
            ObjectNode o = metrics.putObject(name);
            number(o, "start", v.start());
            number(o, "end", v.end());
            number(o, "delta", v.delta());
        });

        ArrayNode samples = root.putArray("samples");
        for (Sample s : r.samples()) {
            ObjectNode o = samples.addObject();
            o.put("t", s.second());
            o.put("connected", s.connected());
            o.put("target", s.target());
            o.put("joins", s.joins());
            o.put("failedJoins", s.failedJoins());
            o.put("packetsPerSecond", s.packetsPerSecond());
            number(o, "lossFraction", s.lossFraction());
            number(o, "toolCpu", s.toolCpu());
            number(o, "serverCpu", s.serverCpu());
            o.set("latency", histogram(s.latency()));
        }

        ArrayNode listeners = root.putArray("listeners");
        for (ListenerSummary l : r.listeners()) {
            ObjectNode o = listeners.addObject();
            o.put("id", l.id());
            o.put("joined", l.joined());
            if (l.ttfaMicros() >= 0) {
                o.put("ttfaMs", Percentiles.ms(l.ttfaMicros()));
            } else {
                o.putNull("ttfaMs");
            }
            o.put("expected", l.expected());
            o.put("received", l.received());
            o.put("lost", l.lost());
            o.put("duplicated", l.duplicated());
            o.put("reordered", l.reordered());
            o.put("lossFraction", l.lossFraction());
            o.put("decodeChecked", l.decodeChecked());
            o.put("decodeOk", l.decodeOk());
            o.put("failure", l.failure());
        }

        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        return root;
    }

    /** {@code {count, p50, p90, p99, p99.9, max, mean}} in milliseconds with 3 decimals; percentiles null when empty. */
    private static ObjectNode histogram(Histogram h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("count", h.getTotalCount());
        long[] values = Percentiles.micros(h);
        for (int i = 0; i < Percentiles.KEYS.length; i++) {
            if (h.getTotalCount() == 0) {
                o.putNull(Percentiles.KEYS[i]);
            } else {
                o.put(Percentiles.KEYS[i], Percentiles.ms(values[i]));
            }
        }
        if (h.getTotalCount() == 0) {
            o.putNull("mean");
        } else {
            o.put("mean", Math.round(h.getMean()) / 1000.0);
        }
        return o;
    }

    /** JSON has no NaN or infinity: those become null. */
    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
