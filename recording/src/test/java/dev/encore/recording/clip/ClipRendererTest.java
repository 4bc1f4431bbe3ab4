package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.encore.audio.ToneAnalysis;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipRendererTest {
    private static final int RATE = 48_000;

    @TempDir
    static Path shared;
    static Path recording;
    static Path clip;
    static ClipResult clipResult;

    @TempDir
    Path dir;

    @BeforeAll
    static void recordASet() {
        // 10 s of stereo Opus: 440 Hz for 5 s, then 880 Hz, so the clip's alignment shows at the switch.
        recording = shared.resolve("set.opus");
        Media.run("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                "aevalsrc=0.25*sin(2*PI*if(lt(t\\,5)\\,440\\,880)*t):s=48000:d=10", "-ac", "2", "-c:a", "libopus", "-b:a",
                "96k", recording.toString());
        // The 3-7 s clip most tests look at, rendered once.
        clip = shared.resolve("clip.mp4");
        try {
            clipResult = new ClipRenderer().render(request().span(3, 7).build(), clip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ClipRequest.Builder request() {
        return ClipRequest.builder(recording).showTitle("Encore Live: Late Night Set").songTitle("Blue Hour")
                .performer("Ana Sol");
    }

    @Test
    void rendersH264AndOpusStreamsOfTheRequestedDuration() throws Exception {
        Path out = clip;
        ClipResult result = clipResult;

        assertThat(result.file()).isEqualTo(out);
        assertThat(result.durationSeconds()).isEqualTo(4.0);
        assertThat(result.fromSeconds()).isEqualTo(3.0);
        assertThat(result.audioCodec()).isEqualTo("opus");
        assertThat(result.bytes()).isEqualTo(Files.size(out));
        Map<String, String> probe = Media.probe(out);
        assertThat(probe).containsEntry("streams.stream.0.codec_type", "video")
                .containsEntry("streams.stream.0.codec_name", "h264")
                .containsEntry("streams.stream.0.width", "640")
                .containsEntry("streams.stream.0.height", "360")
                .containsEntry("streams.stream.1.codec_type", "audio")
                .containsEntry("streams.stream.1.codec_name", "opus")
                .containsEntry("streams.stream.1.sample_rate", "48000")
                .containsEntry("streams.stream.1.channels", "2")
                .doesNotContainKey("streams.stream.2.codec_type");
        assertThat(Double.parseDouble(probe.get("format.duration"))).isCloseTo(4.0, within(0.02));
        assertThat(Double.parseDouble(probe.get("streams.stream.1.duration"))).isCloseTo(4.0, within(0.02));
        assertThat(Double.parseDouble(probe.get("streams.stream.0.duration"))).isCloseTo(4.0, within(0.02));
        assertThat(topLevelBoxes(out)).as("moov before mdat, for streaming").containsExactly("ftyp", "moov", "mdat");
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files).as("no temp file left").containsExactlyInAnyOrder(recording, out);
        }
    }

    private static List<String> topLevelBoxes(Path mp4) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(mp4));
        List<String> types = new ArrayList<>();
        while (b.remaining() >= 8) {
            int start = b.position();
            long size = b.getInt() & 0xFFFFFFFFL;
            byte[] type = new byte[4];
            b.get(type);
            if (size == 1) {
                size = b.getLong();
            }
            types.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(start + size).as("box size").isLessThanOrEqualTo(b.limit());
            b.position((int) (start + size));
        }
        assertThat(b.remaining()).isZero();
        return types;
    }

    @Test
    void theClipDecodesCleanlyAndKeepsTheToneOnTheSameTimeline() throws Exception {
        Path out = clip;

        Media.Output check = Media.run("ffmpeg", "-v", "error", "-i", out.toString(), "-f", "null", "-");
        assertThat(check.stderr()).isEmpty();

        short[] pcm = Media.decodeMono(out);
        // ffmpeg plays the last packet whole: up to one 20 ms frame more than the edit list says.
        assertThat(pcm.length).isBetween(4 * RATE, 4 * RATE + 960);
        // 3-5 s of the set is 440 Hz, 5-7 s is 880 Hz: the clip switches 2 s in.
        assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(pcm, 0, (int) (1.9 * RATE)), 1, RATE))
                .isCloseTo(440, within(5.0));
        assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(pcm, (int) (2.1 * RATE), pcm.length), 1, RATE))
                .isCloseTo(880, within(5.0));
        assertThat(ToneAnalysis.rmsDbfs(Arrays.copyOfRange(pcm, 0, RATE / 10))).as("no silent warm-up at the start")
                .isGreaterThan(-20);
        // The switch lands where it should, to within a few milliseconds: the edit list trims sample-accurately.
        int window = 240;
        int firstHigh = -1;
        for (int i = RATE; i + window < 3 * RATE; i += 24) {
            if (Media.goertzel(pcm, i, window, 880) > Media.goertzel(pcm, i, window, 440)) {
                firstHigh = i + window / 2;
                break;
            }
        }
        assertThat(firstHigh / (double) RATE).isCloseTo(2.0, within(0.004));
    }

    @Test
    void carriesTheRecordedOpusPacketsOverByteForByte() throws Exception {
        Path out = clip;

        byte[] inMp4 = Media.run("ffmpeg", "-v", "error", "-i", out.toString(), "-map", "0:a", "-c", "copy", "-f", "data",
                "-").stdout();
        OpusSpan span = OpusSpanReader.read(recording, 3, 7);
        ByteArrayOutputStream recorded = new ByteArrayOutputStream();
        for (byte[] p : span.packets()) {
            recorded.write(p);
        }
        assertThat(inMp4).isEqualTo(recorded.toByteArray());
        assertThat(span.packets()).hasSize(205); // 200 for the span, 4 of pre-roll, 1 because 3.0 s is mid-packet
    }

    @Test
    void trimsToMaxSecondsAndCutsAtTheEndOfTheRecording() throws Exception {
        Path out = dir.resolve("clip.mp4");
        ClipResult trimmed = new ClipRenderer().render(request().span(1, 9).maxSeconds(2.5).build(), out);
        assertThat(trimmed.durationSeconds()).isEqualTo(2.5);
        assertThat(Double.parseDouble(Media.probe(out).get("format.duration"))).isCloseTo(2.5, within(0.02));

        ClipResult cut = new ClipRenderer().render(request().span(8, 30).build(), out);
        assertThat(cut.durationSeconds()).isCloseTo(2.0, within(0.001));
        assertThat(Double.parseDouble(Media.probe(out).get("format.duration"))).isCloseTo(2.0, within(0.02));
    }

    @Test
    void putsThePngOrJpegCoverOnTheCard() throws Exception {
        for (String format : new String[] {"png", "jpeg"}) {
            Path cover = dir.resolve("cover." + format);
            BufferedImage image = new BufferedImage(800, 800, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(200, 30, 30));
            g.fillRect(0, 0, 800, 800);
            g.dispose();
            assertThat(ImageIO.write(image, format, cover.toFile())).isTrue();
            Path out = dir.resolve("cover-" + format + ".mp4");
            new ClipRenderer().render(request().span(0, 1).coverImage(cover).build(), out);

            byte[] rgb = Media.run("ffmpeg", "-v", "error", "-i", out.toString(), "-frames:v", "1", "-f", "rawvideo",
                    "-pix_fmt", "rgb24", "-").stdout();
            assertThat(rgb).hasSize(640 * 360 * 3);
            int topLeft = (20 * 640 + 20) * 3; // above the darkened band and the text
            assertThat(rgb[topLeft] & 0xFF).as("red of %s", format).isCloseTo(200, within(12));
            assertThat(rgb[topLeft + 1] & 0xFF).as("green of %s", format).isCloseTo(30, within(12));
            assertThat(rgb[topLeft + 2] & 0xFF).as("blue of %s", format).isCloseTo(30, within(12));
        }
    }

    @Test
    void aSpanOutsideTheRecordingHasNoAudio() {
        Path out = dir.resolve("clip.mp4");
        assertThatThrownBy(() -> new ClipRenderer().render(request().span(12, 20).build(), out))
                .isInstanceOf(ClipException.class)
                .hasMessage("no audio between 12.0 s and 20.0 s (expected: a span inside the recording, 0.0–10.0 s)");
        assertNothingWritten();
    }

    @Test
    void checkSaysWhatRenderWouldWithoutWritingAnything() throws Exception {
        assertThat(new ClipRenderer().check(request().span(1, 9).maxSeconds(2.5).build())).isEqualTo(2.5);
        assertThat(new ClipRenderer().check(request().span(8, 30).build())).isCloseTo(2.0, within(0.001));
        assertThatThrownBy(() -> new ClipRenderer().check(request().span(12, 20).build()))
                .isInstanceOf(ClipException.class)
                .hasMessage("no audio between 12.0 s and 20.0 s (expected: a span inside the recording, 0.0–10.0 s)");
        Path silent = dir.resolve("silent.opus");
        TestOgg.write(silent, 2, 312, TestOgg.silence(500));
        assertThatThrownBy(() -> new ClipRenderer().check(ClipRequest.builder(silent).span(2, 4).build()))
                .isInstanceOf(ClipException.class)
                .hasMessageStartingWith("no audio between 2.0 s and 4.0 s (only silence there");
        assertThat(new ClipRenderer().check(request().span(3, 7).coverImage(dir.resolve("nope.png")).build()))
                .as("the cover is the renderer's business").isEqualTo(4.0);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(silent);
        }
    }

    @Test
    void aSpanOfSilenceHasNoAudio() throws Exception {
        Path silent = dir.resolve("silent.opus");
        TestOgg.write(silent, 2, 312, TestOgg.silence(500)); // 10 s of the recorder's gap packets
        assertThatThrownBy(() -> new ClipRenderer().render(ClipRequest.builder(silent).span(2, 4).build(),
                dir.resolve("clip.mp4")))
                .isInstanceOf(ClipException.class)
                .hasMessageStartingWith("no audio between 2.0 s and 4.0 s (only silence there");
        assertThat(dir.resolve("clip.mp4")).doesNotExist();
        assertThat(dir.resolve("clip.mp4.tmp")).doesNotExist();
    }

    @Test
    void aMissingCoverIsNamed() {
        Path cover = dir.resolve("nope.png");
        assertThatThrownBy(() -> new ClipRenderer().render(request().span(3, 7).coverImage(cover).build(),
                dir.resolve("clip.mp4")))
                .isInstanceOf(ClipException.class)
                .hasMessage("cover image not found: " + cover + " (expected: a PNG or JPEG file)");
        assertNothingWritten();
    }

    @Test
    void aGifCoverIsNotSupported() throws Exception {
        Path cover = dir.resolve("cover.gif");
        assertThat(ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "gif", cover.toFile())).isTrue();
        assertThatThrownBy(() -> new ClipRenderer().render(request().span(3, 7).coverImage(cover).build(),
                dir.resolve("clip.mp4")))
                .isInstanceOf(ClipException.class)
                .hasMessage("cover image " + cover + " is GIF, which is not supported (expected: a PNG or JPEG file)");
        assertThat(dir.resolve("clip.mp4")).doesNotExist();
    }

    @Test
    void aTextFileNamedPngIsNotAnImage() throws Exception {
        Path cover = dir.resolve("cover.png");
        Files.writeString(cover, "not a picture");
        assertThatThrownBy(() -> new ClipRenderer().render(request().span(3, 7).coverImage(cover).build(),
                dir.resolve("clip.mp4")))
                .isInstanceOf(ClipException.class)
                .hasMessage("cover image " + cover + " is not an image in a known format (expected: a PNG or JPEG file)");
        assertThat(dir.resolve("clip.mp4")).doesNotExist();
    }

    @Test
    void aFailureAfterWritingLeavesNoTempFileAndKeepsTheOldOutput() throws Exception {
        // The output path is a non-empty directory: the clip is rendered, then the final move fails.
        Path out = dir.resolve("clip.mp4");
        Files.createDirectory(out);
        Files.writeString(out.resolve("keep.txt"), "old");
        assertThatThrownBy(() -> new ClipRenderer().render(request().span(3, 4).build(), out))
                .isInstanceOf(java.io.IOException.class);
        assertThat(dir.resolve("clip.mp4.tmp")).doesNotExist();
        assertThat(out.resolve("keep.txt")).hasContent("old");
    }

    @Test
    void replacesAnExistingClip() throws Exception {
        Path out = dir.resolve("clip.mp4");
        Files.writeString(out, "stale");
        new ClipRenderer().render(request().span(3, 4).build(), out);
        assertThat(Media.probe(out)).containsEntry("streams.stream.1.codec_name", "opus");
        assertThat(dir.resolve("clip.mp4.tmp")).doesNotExist();
    }

    private void assertNothingWritten() {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
