package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class SloTest {

    /** Figures from maps: time keys {@code metric.stat}, ratio keys {@code metric}. */
    private static Slo.Figures figures(Map<String, Double> times, Map<String, Double> ratios) {
        return new Slo.Figures() {
            @Override
            public OptionalDouble time(String metric, String stat, double percentile) {
                Double v = times.get(metric + "." + stat);
                return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            }

            @Override
            public OptionalDouble ratio(String metric) {
                Double v = ratios.get(metric);
                return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            }
        };
    }

    @Test
    void theIssuesExampleParses() {
        Slo slo = Slo.parse("ttfa.p99<1s,latency.p99<150ms,loss<0.1%,tally.p99<250ms");
        assertThat(slo.objectives()).extracting(Slo.Objective::metric).containsExactly("ttfa", "latency", "loss", "tally");
        Slo.Objective ttfa = slo.objectives().get(0);
        assertThat(ttfa.stat()).isEqualTo("p99");
        assertThat(ttfa.percentile()).isEqualTo(99.0);
        assertThat(ttfa.op()).isEqualTo(Slo.Op.LT);
        assertThat(ttfa.threshold()).isEqualTo(1000.0);
        assertThat(slo.objectives().get(1).threshold()).isEqualTo(150.0);
        assertThat(slo.objectives().get(2).threshold()).isEqualTo(0.001);
        assertThat(slo.objectives().get(2).isTime()).isFalse();
        assertThat(slo.toString()).isEqualTo("ttfa.p99<1s,latency.p99<150ms,loss<0.1%,tally.p99<250ms");
    }

    @Test
    void unitsStatsAndOperators() {
        Slo slo = Slo.parse(" latency.max <= 500us , dtls.p99.9>=2s, joined>=0.999, jitter.mean<5ms, ice<100ms ");
        List<Slo.Objective> o = slo.objectives();
        assertThat(o.get(0).threshold()).isEqualTo(0.5);
        assertThat(o.get(0).op()).isEqualTo(Slo.Op.LE);
        assertThat(o.get(0).percentile()).isNaN();
        assertThat(o.get(1).percentile()).isEqualTo(99.9);
        assertThat(o.get(1).threshold()).isEqualTo(2000.0);
        assertThat(o.get(2).threshold()).isEqualTo(0.999);
        assertThat(o.get(3).stat()).isEqualTo("mean");
        assertThat(o.get(4).stat()).isEqualTo("p99");
        assertThat(Slo.parse("").objectives()).isEmpty();
    }

    @Test
    void theVerdictComparesEachMeasuredValue() {
        Slo slo = Slo.parse("ttfa.p99<1s,latency.p99<150ms,loss<0.1%");
        List<Slo.Result> pass = slo.evaluate(figures(Map.of("ttfa.p99", 999.0, "latency.p99", 20.0), Map.of("loss", 0.0009)));
        assertThat(pass).allMatch(Slo.Result::met);
        assertThat(Slo.allMet(pass)).isTrue();
        assertThat(pass.get(0).describe()).isEqualTo("ttfa.p99<1s: 999.0 ms  met");

        List<Slo.Result> fail = slo.evaluate(figures(Map.of("ttfa.p99", 1000.0, "latency.p99", 20.0), Map.of("loss", 0.05)));
        assertThat(fail).extracting(Slo.Result::met).containsExactly(false, true, false);
        assertThat(Slo.allMet(fail)).isFalse();
        assertThat(fail.get(2).describe()).isEqualTo("loss<0.1%: 5.000 %  MISSED");
    }

    @Test
    void anUnmeasuredObjectiveIsMissed() {
        List<Slo.Result> r = Slo.parse("tally.p99<250ms").evaluate(figures(Map.of(), Map.of()));
        assertThat(r.get(0).met()).isFalse();
        assertThat(r.get(0).measured()).isNaN();
        assertThat(r.get(0).describe()).contains("not measured").contains("MISSED");
        assertThat(Slo.allMet(Slo.none().evaluate(figures(Map.of(), Map.of())))).isTrue();
    }

    @Test
    void badExpressionsSayWhatWasWrongAndWhatIsExpected() {
        assertThatThrownBy(() -> Slo.parse("ttfa.p99<1")).hasMessageContaining("'ttfa.p99<1'").hasMessageContaining("is a time")
                .hasMessageContaining("expected: a value in us, ms or s");
        assertThatThrownBy(() -> Slo.parse("loss<5ms")).hasMessageContaining("is a ratio");
        assertThatThrownBy(() -> Slo.parse("loss.p99<1%")).hasMessageContaining("has no .p99");
        assertThatThrownBy(() -> Slo.parse("speed<1s")).hasMessageContaining("unknown metric 'speed'")
                .hasMessageContaining("expected one of: ttfa");
        assertThatThrownBy(() -> Slo.parse("ttfa.p99=1s")).hasMessageContaining("expected: METRIC[.STAT] OP VALUE[UNIT]");
        assertThatThrownBy(() -> Slo.parse("ttfa.p99<1s,,loss<1%")).hasMessageContaining("an empty term");
        assertThatThrownBy(() -> Slo.parse("loss<150%")).hasMessageContaining("at most 100%");
        assertThatThrownBy(() -> Slo.parse("ttfa.p0<1s")).hasMessageContaining("expected: 0 < p <= 100");
    }
}
