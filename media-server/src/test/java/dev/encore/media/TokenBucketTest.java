package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void passesTheBurstThenOnlyWhatTheRateRefills() {
        TokenBucket bucket = new TokenBucket(1000, 500);
        assertThat(bucket.tryTake(300, 0)).isTrue();
        assertThat(bucket.tryTake(200, 0)).isTrue();
        assertThat(bucket.tryTake(1, 0)).isFalse();
        // 100 ms at 1000/s refills 100 tokens
        assertThat(bucket.tryTake(100, 100_000_000L)).isTrue();
        assertThat(bucket.tryTake(1, 100_000_000L)).isFalse();
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(1000, 500);
        assertThat(bucket.tryTake(500, 0)).isTrue();
        assertThat(bucket.tryTake(501, 3_600_000_000_000L)).isFalse();
        assertThat(bucket.tryTake(500, 3_600_000_000_000L)).isTrue();
    }

    @Test
    void clockGoingBackwardsAddsNothing() {
        TokenBucket bucket = new TokenBucket(1000, 100);
        assertThat(bucket.tryTake(100, 1_000_000_000L)).isTrue();
        assertThat(bucket.tryTake(1, 0)).isFalse();
    }

    @Test
    void refusesNonPositiveRates() {
        assertThatThrownBy(() -> new TokenBucket(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
    }
}
