package dev.encore.recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's ffprobe and ffmpeg as the independent judges of a recording. A missing binary fails the test (the
 * ProcessBuilder throws); it is never skipped.
 */
final class Ffmpeg {
    static final String FFPROBE = "/usr/bin/ffprobe";
    static final String FFMPEG = "/usr/bin/ffmpeg";

    private Ffmpeg() {
    }

    /** {@code ffprobe -show_format -show_streams -show_chapters} as flat {@code key=value} pairs. */
    static Map<String, String> probe(Path file) {
        String out = new String(run(List.of(FFPROBE, "-v", "error", "-show_format", "-show_streams", "-show_chapters",
                "-of", "flat", file.toString())), StandardCharsets.UTF_8);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                values.put(line.substring(0, eq).trim(), v);
            }
        }
        return values;
    }

    /** The file decoded by ffmpeg to 48 kHz mono 16-bit samples. */
    static short[] decodeMono(Path file) {
        byte[] pcm = run(List.of(FFMPEG, "-v", "error", "-i", file.toString(), "-f", "s16le", "-ac", "1", "-ar", "48000", "-"));
        short[] samples = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    static byte[] run(List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("exit " + p.exitValue() + " from " + cmd + ": " + new String(err.join(),
                        StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0) + " (expected: Debian's ffmpeg installed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
