package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesWholeFilesInAFolderItCreates() throws Exception {
        Path file = dir.resolve("a/b/entry.json");
        AtomicFiles.write(file, "{\"v\": 1}".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, "{\"v\": 2}".getBytes(StandardCharsets.UTF_8));
        assertThat(file).hasContent("{\"v\": 2}");
        assertThat(names(file.getParent())).containsExactly("entry.json");
    }

    @Test
    void aFailedMoveLeavesTheTargetAsItWasAndNoTempFile() throws Exception {
        Path target = Files.createDirectories(dir.resolve("entry.json")); // a non-empty folder cannot be replaced
        Files.writeString(target.resolve("keep.txt"), "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1})).isInstanceOf(IOException.class);
        assertThat(target.resolve("keep.txt")).hasContent("old");
        assertThat(names(dir)).containsExactly("entry.json");
    }

    private static Stream<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }
}
