package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.audio.ToneAnalysis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} mid-set: the partial recording opens and decodes up to about a second before the kill. */
class SetRecorderCrashTest {

    @TempDir
    Path dataDir;

    @Test
    void aKilledRecorderLeavesAFileThatPlaysUpToTheKill() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx128m", CrashRecorder.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        Path file = null;
        int fed = 0;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("FILE ")) {
                    file = Path.of(line.substring(5));
                } else if (line.startsWith("FED ")) {
                    fed = Integer.parseInt(line.substring(4));
                    if (fed >= 150) { // 3 s into the set
                        break;
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no EOS page
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(file).as("the child's recording").isNotNull();
        assertThat(fed).isGreaterThanOrEqualTo(150);
        double fedSeconds = fed * 0.020;

        OggOpusReader.Stream stream = OggOpusReader.read(file);
        assertThat(stream.complete()).as("no EOS page after a kill").isFalse();
        Map<String, String> probe = Ffmpeg.probe(file);
        assertThat(probe).containsEntry("streams.stream.0.codec_name", "opus").containsEntry("streams.stream.0.channels", "2");
        short[] pcm = Ffmpeg.decodeMono(file);
        double decoded = pcm.length / 48_000.0;
        System.out.printf("crash: fed %.2f s, decoded %.2f s%n", fedSeconds, decoded);
        // Pages hold half a second; the queue and the reorder window hold a few more packets. The child may have fed a
        // few packets after its last report before the signal landed.
        assertThat(decoded).as("decoded seconds, fed %.2f s before the kill", fedSeconds)
                .isGreaterThanOrEqualTo(fedSeconds - 1.0).isLessThanOrEqualTo(fedSeconds + 0.5);
        assertThat(ToneAnalysis.dominantFrequency(SetRecorderTest.span(pcm, 0.2, decoded - 0.1), 1, 48_000))
                .isCloseTo(440, within(2.0));
    }
}
