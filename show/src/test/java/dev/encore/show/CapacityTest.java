package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapacityTest {
    @Test
    void rangesAreChecked() {
        assertThat(new Capacity(1, 1)).isEqualTo(new Capacity(1, 1));
        assertThat(new Capacity(Capacity.MAX_SEATS, 0).seats()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> new Capacity(0, 0)).hasMessage("access.capacity: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> new Capacity(1_000_001, 0)).hasMessageContaining("1000001");
        assertThatThrownBy(() -> new Capacity(2, 3)).hasMessage("access.vipSeats: 3 (expected: 0..access.capacity, 2)");
        assertThatThrownBy(() -> new Capacity(2, -1)).hasMessageContaining("access.vipSeats: -1");
    }

    @Test
    void showConfigWithoutCapacityHasNoLimit() {
        ShowConfig show = new ShowConfig(null, "s", "S", null, AccessMode.OPEN, new AudioSettings(96_000, true), null);
        assertThat(show.capacity()).isNull();
    }
}
