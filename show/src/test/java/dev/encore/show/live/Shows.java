package dev.encore.show.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test fixtures: fixed instants, a show that records its events, and refusal assertions. */
final class Shows {
    static final Instant T0 = Instant.parse("2025-06-01T20:00:00Z");
    static final List<String> PLANNED = List.of("Intro", "Wonderwall", "Yesterday");

    private Shows() {
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** A show with the planned songs and default rules whose listener records into {@code log}. */
    static LiveShow open(List<ShowEvent> log) {
        return open(log, ShowRules.defaults());
    }

    static LiveShow open(List<ShowEvent> log, ShowRules rules) {
        return LiveShow.open("rooftop-3", PLANNED, rules, T0, log::add);
    }

    static LiveShow open() {
        return open(new ArrayList<>());
    }

    /** Asserts that {@code call} is refused with {@code expected} and a message in the house form. */
    static ShowRuleException refused(ThrowingCallable call, Refusal expected) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ShowRuleException.class);
        ShowRuleException e = (ShowRuleException) thrown;
        assertThat(e.refusal()).as(e.getMessage()).isEqualTo(expected);
        assertThat(e.code()).isEqualTo(expected.code());
        assertThat(e.getMessage()).contains("(expected: ").hasSizeLessThan(400);
        return e;
    }
}
