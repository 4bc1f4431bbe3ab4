package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Debian's ffprobe for the app's tests: a missing /usr/bin/ffprobe fails the test, never skips it. */
final class Ffprobe {
    private static final String FFPROBE = "/usr/bin/ffprobe";

    private Ffprobe() {
    }

    /** ffprobe's flat output of the file's format and streams ({@code streams.stream.0.codec_name="opus"}). */
    static String probe(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "flat",
                file.toString()).redirectErrorStream(true).start();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ffprobe finished").isTrue();
        String text = new String(output.join(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    /** A number from {@link #probe}'s output, e.g. {@code format.duration}. */
    static double value(String probe, String key) {
        for (String line : probe.split("\n")) {
            if (line.startsWith(key + "=")) {
                return Double.parseDouble(line.substring(key.length() + 1).replace("\"", "").trim());
            }
        }
        throw new AssertionError(key + " not in ffprobe's output: " + probe);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
