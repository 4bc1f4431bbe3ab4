package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs ffmpeg and ffprobe (Debian's, at /usr/bin; CI installs them). A missing tool fails the test: there is no skipping.
 */
final class Media {
    private Media() {
    }

    /** Runs a command, fails the test unless it exits 0; returns what it printed on stdout, and its stderr. */
    static Output run(String... command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            int code = p.waitFor();
            Output o = new Output(out, new String(err.join(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(code).as("exit code of %s, stderr: %s", String.join(" ", command), o.stderr()).isZero();
            return o;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (expected: ffmpeg/ffprobe installed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ffprobe -show_streams -show_format} as flat key=value pairs ({@code streams.stream.0.codec_name}). */
    static Map<String, String> probe(java.nio.file.Path file) {
        String text = run("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "flat", file.toString())
                .stdoutText();
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String value = line.substring(eq + 1);
                if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                    value = value.substring(1, value.length() - 1);
                }
                map.put(line.substring(0, eq), value);
            }
        }
        return map;
    }

    /** Decodes the audio of {@code file} to mono 16-bit PCM at 48 kHz. */
    static short[] decodeMono(java.nio.file.Path file) {
        byte[] pcm = run("ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar",
                "48000", "-").stdout();
        short[] samples = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }

    /** The power of {@code frequency} in {@code samples[from, from + n)} (Goertzel). */
    static double goertzel(short[] samples, int from, int n, double frequency) {
        double w = 2 * Math.PI * frequency / 48_000;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s0 = samples[i] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    record Output(byte[] stdout, String stderr) {
        String stdoutText() {
            return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
