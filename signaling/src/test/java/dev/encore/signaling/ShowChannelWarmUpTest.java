package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShowChannelWarmUpTest {

    @Test
    void votesInEveryPollAreAcknowledgedAndTheTemporaryStoreIsGone() throws Exception {
        Set<Path> before = warmUpDirs();

        ShowChannelWarmUp.Done done = ShowChannelWarmUp.run(200, 3);

        // set.start, then per poll: open, 200 votes, 20 requests, 19 upvotes, close.
        assertThat(done.commands()).isEqualTo(1 + 3 * (1 + 200 + 20 + 19 + 1));
        assertThat(done.polls()).isEqualTo(3);
        assertThat(done.acked()).as("every command is valid and acknowledged, as a real member's would be")
                .isEqualTo(done.commands());
        assertThat(warmUpDirs()).as("the warm-up's temporary store is deleted").isEqualTo(before);
    }

    @Test
    void refusesNothingToDo() {
        assertThatThrownBy(() -> ShowChannelWarmUp.run(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listeners: 0, rounds: 1 (expected: >= 1 each)");
    }

    private static Set<Path> warmUpDirs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("encore-warm-up")).collect(Collectors.toSet());
        }
    }
}
