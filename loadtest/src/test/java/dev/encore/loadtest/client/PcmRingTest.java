package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcmRingTest {

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        PcmRing ring = new PcmRing(6, 2);
        ring.write(new short[] {1, 2, 3, 4}, 4);
        assertThat(ring.snapshot()).containsExactly(1, 2, 3, 4);
        ring.write(new short[] {5, 6, 7, 8}, 4);
        assertThat(ring.snapshot()).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat(ring.written()).isEqualTo(8);
    }

    @Test
    void aWriteLargerThanTheRingKeepsItsTail() {
        PcmRing ring = new PcmRing(4, 1);
        ring.write(new short[] {1, 2, 3, 4, 5, 6, 7}, 7);
        assertThat(ring.snapshot()).containsExactly(4, 5, 6, 7);
        ring.write(new short[] {8}, 1);
        assertThat(ring.snapshot()).containsExactly(5, 6, 7, 8);
    }
}
