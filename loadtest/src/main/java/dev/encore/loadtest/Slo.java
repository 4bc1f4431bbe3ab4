package dev.encore.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Service-level objectives a run must meet, parsed from {@code --slo}: comma-separated terms
 * {@code METRIC[.STAT] OP VALUE[UNIT]}, e.g. {@code ttfa.p99<1s,latency.p99<150ms,loss<0.1%,tally.p99<250ms}.
 *
 * <ul>
 *   <li>Time metrics (a histogram each; STAT is {@code p50}, {@code p90}, {@code p99}, {@code p99.9}, any {@code pNN},
 *       {@code max} or {@code mean}, default {@code p99}; VALUE takes {@code us}, {@code ms} or {@code s}):
 *       {@value #TIME_METRICS}.</li>
 *   <li>Ratio metrics (no STAT; VALUE in {@code %} or as a fraction): {@code loss} (packets lost over expected, all
 *       listeners), {@code joined} (arrivals that connected), {@code failed} (arrivals that did not).</li>
 *   <li>OP is {@code <}, {@code <=}, {@code >} or {@code >=}.</li>
 * </ul>
 * An objective whose metric was not measured (e.g. {@code tally} without voters) is missed: a verdict cannot pass on
 * figures it does not have. Immutable.
 */
public final class Slo {
    static final String TIME_METRICS = "ttfa, signaling, ice, dtls, latency, jitter, tally, request";
    private static final Set<String> TIMES = Set.of("ttfa", "signaling", "ice", "dtls", "latency", "jitter", "tally", "request");
    private static final Set<String> RATIOS = Set.of("loss", "joined", "failed");
    private static final Pattern TERM = Pattern.compile(
            "([a-z]+)(?:\\.(p\\d{1,2}(?:\\.\\d{1,3})?|max|mean))?\\s*(<=|>=|<|>)\\s*(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|%)?");

    /** A comparison. */
    public enum Op {
        LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean test(double measured, double threshold) {
            return switch (this) {
                case LT -> measured < threshold;
                case LE -> measured <= threshold;
                case GT -> measured > threshold;
                case GE -> measured >= threshold;
            };
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalArgumentException(symbol);
        }

        public String symbol() {
            return symbol;
        }
    }

    /**
     * One objective.
     *
     * @param text as written (normalized: no spaces)
     * @param metric e.g. {@code ttfa}
     * @param stat e.g. {@code p99}, {@code max}, {@code mean}; null for a ratio
     * @param op the comparison
     * @param threshold in milliseconds for a time metric, as a fraction (0..1) for a ratio
     */
    public record Objective(String text, String metric, String stat, Op op, double threshold) {
        /** Whether the metric is a time (milliseconds) rather than a ratio. */
        public boolean isTime() {
            return stat != null;
        }

        /** The percentile of a {@code pNN} stat, or NaN for max/mean. */
        public double percentile() {
            return stat.startsWith("p") ? Double.parseDouble(stat.substring(1)) : Double.NaN;
        }
    }

    /**
     * One objective's verdict.
     *
     * @param objective the objective
     * @param measured the measured value (milliseconds or fraction), NaN when not measured
     * @param met whether it was met
     */
    public record Result(Objective objective, double measured, boolean met) {
        /** e.g. {@code ttfa.p99<1s: 412.3 ms  met}. */
        public String describe() {
            String value = Double.isNaN(measured) ? "not measured"
                    : objective.isTime() ? String.format(Locale.ROOT, "%.1f ms", measured)
                    : String.format(Locale.ROOT, "%.3f %%", measured * 100);
            return objective.text() + ": " + value + "  " + (met ? "met" : "MISSED");
        }
    }

    /** Where a verdict reads the measured figures. */
    public interface Figures {
        /** A time metric's stat in milliseconds ({@code percentile} NaN for max/mean), or empty when not measured. */
        OptionalDouble time(String metric, String stat, double percentile);

        /** A ratio metric as a fraction, or empty when not measured. */
        OptionalDouble ratio(String metric);
    }

    private final List<Objective> objectives;

    private Slo(List<Objective> objectives) {
        this.objectives = List.copyOf(objectives);
    }

    /** No objectives: every verdict passes. */
    public static Slo none() {
        return new Slo(List.of());
    }

    /** Parses an expression; throws IllegalArgumentException saying which term is wrong and what was expected. */
    public static Slo parse(String expression) {
        if (expression == null || expression.isBlank()) {
            return none();
        }
        List<Objective> list = new ArrayList<>();
        for (String raw : expression.split(",", -1)) {
            String term = raw.trim().toLowerCase(Locale.ROOT);
            if (term.isEmpty()) {
                throw new IllegalArgumentException("slo: an empty term in '" + expression + "' (expected: terms separated by"
                        + " single commas, e.g. ttfa.p99<1s,loss<0.1%)");
            }
            list.add(parseTerm(term));
        }
        return new Slo(list);
    }

    private static Objective parseTerm(String term) {
        Matcher m = TERM.matcher(term);
        if (!m.matches()) {
            throw new IllegalArgumentException("slo: '" + term + "' (expected: METRIC[.STAT] OP VALUE[UNIT], e.g. ttfa.p99<1s,"
                    + " latency.p99<150ms, loss<0.1%)");
        }
        String metric = m.group(1);
        String stat = m.group(2);
        Op op = Op.of(m.group(3));
        double value = Double.parseDouble(m.group(4));
        String unit = m.group(5);
        String text = term.replace(" ", "");
        if (TIMES.contains(metric)) {
            if (stat == null) {
                stat = "p99";
            }
            if (stat.startsWith("p")) {
                double p = Double.parseDouble(stat.substring(1));
                if (p <= 0 || p > 100) {
                    throw new IllegalArgumentException("slo: '" + term + "': percentile " + p + " (expected: 0 < p <= 100)");
                }
            }
            if (unit == null || unit.equals("%")) {
                throw new IllegalArgumentException("slo: '" + term + "': " + metric + " is a time (expected: a value in us, ms"
                        + " or s, e.g. " + metric + "." + stat + "<150ms)");
            }
            double millis = switch (unit) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
            return new Objective(text, metric, stat, op, millis);
        }
        if (RATIOS.contains(metric)) {
            if (stat != null) {
                throw new IllegalArgumentException("slo: '" + term + "': " + metric + " is a ratio and has no ." + stat
                        + " (expected: e.g. " + metric + "<0.1%)");
            }
            if (unit != null && !unit.equals("%")) {
                throw new IllegalArgumentException("slo: '" + term + "': " + metric + " is a ratio (expected: a percentage or"
                        + " a fraction, e.g. " + metric + "<0.1% or " + metric + "<0.001)");
            }
            double fraction = unit == null ? value : value / 100;
            if (fraction > 1) {
                throw new IllegalArgumentException("slo: '" + term + "': " + value + (unit == null ? "" : unit)
                        + " (expected: at most 100% or 1)");
            }
            return new Objective(text, metric, null, op, fraction);
        }
        throw new IllegalArgumentException("slo: '" + term + "': unknown metric '" + metric + "' (expected one of: "
                + TIME_METRICS + ", loss, joined, failed)");
    }

    public List<Objective> objectives() {
        return objectives;
    }

    /** Each objective's verdict against the figures. */
    public List<Result> evaluate(Figures figures) {
        List<Result> results = new ArrayList<>(objectives.size());
        for (Objective o : objectives) {
            OptionalDouble v = o.isTime() ? figures.time(o.metric(), o.stat(), o.percentile()) : figures.ratio(o.metric());
            double measured = v.isPresent() ? v.getAsDouble() : Double.NaN;
            results.add(new Result(o, measured, v.isPresent() && o.op().test(measured, o.threshold())));
        }
        return results;
    }

    /** Whether every result was met (true for none). */
    public static boolean allMet(List<Result> results) {
        return results.stream().allMatch(Result::met);
    }

    @Override
    public String toString() {
        return String.join(",", objectives.stream().map(Objective::text).toList());
    }
}
