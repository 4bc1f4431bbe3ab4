package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ClipRequestTest {
    private static final Path SET = Path.of("set.opus");

    @Test
    void defaultsToSixtySecondsAt640x360WithoutACover() {
        ClipRequest r = ClipRequest.builder(SET).span(10, 100).build();
        assertThat(r.maxSeconds()).isEqualTo(60);
        assertThat(r.effectiveToSeconds()).isEqualTo(70);
        assertThat(r.width()).isEqualTo(640);
        assertThat(r.height()).isEqualTo(360);
        assertThat(r.coverImage()).isEmpty();
        assertThat(r.showTitle()).isEmpty();
    }

    @Test
    void aShortSpanIsNotStretchedByMaxSeconds() {
        assertThat(ClipRequest.builder(SET).span(3, 7).maxSeconds(60).build().effectiveToSeconds()).isEqualTo(7);
    }

    @Test
    void refusesSpansAndSizesThatCannotBeRendered() {
        assertThatThrownBy(() -> ClipRequest.builder(SET).span(7, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("span: 7.0–3.0 s (expected: 0 <= from < to, finite)");
        assertThatThrownBy(() -> ClipRequest.builder(SET).span(-1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClipRequest.builder(SET).span(Double.NaN, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClipRequest.builder(SET).size(641, 360))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size: 641x360 (expected: even width and height, 64 to 1920)");
        assertThatThrownBy(() -> ClipRequest.builder(SET).maxSeconds(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClipRequest.builder(SET).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no span (expected: span(from, to) before build())");
    }
}
