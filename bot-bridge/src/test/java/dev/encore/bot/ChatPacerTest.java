package dev.encore.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChatPacerTest {
    private static final Instant T = Instant.parse("2026-11-22T20:00:00Z");
    private static final long GROUP = -100L;
    private final ChatPacer pacer = new ChatPacer();

    @Test
    void aFreshChatMaySendNowAndThenOncePerSecond() {
        assertThat(pacer.earliest(GROUP, T)).isEqualTo(T);
        pacer.sent(GROUP, T);
        assertThat(pacer.earliest(GROUP, T.plusMillis(200))).isEqualTo(T.plusSeconds(1));
        assertThat(pacer.earliest(GROUP, T.plusSeconds(3))).isEqualTo(T.plusSeconds(3));
        assertThat(pacer.earliest(-200L, T)).isEqualTo(T); // other chats are not held back
    }

    @Test
    void theTwentyFirstMessageWaitsUntilTheFirstLeavesTheMinute() {
        for (int i = 0; i < ChatPacer.PER_MINUTE; i++) {
            Instant at = T.plusSeconds(i);
            assertThat(pacer.earliest(GROUP, at)).isEqualTo(at);
            pacer.sent(GROUP, at);
        }
        assertThat(pacer.inWindow(GROUP, T.plusSeconds(20))).isEqualTo(20);
        assertThat(pacer.earliest(GROUP, T.plusSeconds(20))).isEqualTo(T.plusSeconds(60));
        pacer.sent(GROUP, T.plusSeconds(60));
        assertThat(pacer.earliest(GROUP, T.plusSeconds(60))).isEqualTo(T.plusSeconds(61));
        assertThat(pacer.inWindow(GROUP, T.plusSeconds(61))).isEqualTo(19);
    }

    @Test
    void aPauseHoldsTheChatUntilItEndsAndNeverShortens() {
        pacer.pause(GROUP, T.plusSeconds(30));
        pacer.pause(GROUP, T.plusSeconds(10));
        assertThat(pacer.earliest(GROUP, T)).isEqualTo(T.plusSeconds(30));
        assertThat(pacer.earliest(GROUP, T.plus(Duration.ofMinutes(1)))).isEqualTo(T.plus(Duration.ofMinutes(1)));
    }
}
