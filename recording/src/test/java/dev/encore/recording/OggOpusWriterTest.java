package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggOpusWriterTest {
    /** A real 20 ms CELT packet is not needed for the container: the silence packet has a valid TOC and duration. */
    private static final byte[] FRAME = OpusPacket.silence20ms(2);

    @TempDir
    Path dir;

    @Test
    void headersPagesAndGranules() throws Exception {
        Path file = dir.resolve("a.opus");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OggOpusWriter w = new OggOpusWriter(ch, 2, 0x1234, List.of("TITLE=Rooftop"), 960 * 5);
            for (int i = 0; i < 12; i++) {
                w.writePacket(FRAME, 0, FRAME.length);
            }
            assertThat(w.pendingPackets()).isEqualTo(2);
            w.finish(List.of("TITLE=Rooftop"));
        }
        byte[] bytes = Files.readAllBytes(file);
        // RFC 7845 §5.1: magic, version 1, 2 channels, pre-skip 312, 48000 Hz, gain 0, mapping family 0.
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 28, 47)))
                .isEqualTo("4f707573486561640102" + "3801" + "80bb0000" + "0000" + "00");
        OggOpusReader.Stream s = OggOpusReader.read(bytes);
        assertThat(s.damage()).isNull();
        assertThat(s.complete()).isTrue();
        assertThat(s.channels()).isEqualTo(2);
        assertThat(s.preSkip()).isEqualTo(312);
        assertThat(s.inputSampleRate()).isEqualTo(48_000);
        assertThat(s.vendor()).isEqualTo("Encore");
        assertThat(s.comments()).containsExactly("TITLE=Rooftop");
        assertThat(s.pages()).extracting(OggOpusReader.Page::flags).containsExactly(2, 0, 0, 0, 4);
        assertThat(s.pages()).extracting(OggOpusReader.Page::sequence).containsExactly(0, 1, 2, 3, 4);
        assertThat(s.pages()).extracting(OggOpusReader.Page::serial).containsOnly(0x1234);
        // Pages of 5 packets (4,800 samples); the last page (EOS) holds the remaining 2.
        assertThat(s.pages()).extracting(OggOpusReader.Page::granule).containsExactly(0L, 0L, 4800L, 9600L, 11520L);
        assertThat(s.packets()).hasSize(12);
        assertThat(s.playableSamples()).isEqualTo(12 * 960 - 312);
    }

    @Test
    void emptyEosPageWhenTheLastPacketIsOnDiskAlready() throws Exception {
        Path file = dir.resolve("b.opus");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OggOpusWriter w = new OggOpusWriter(ch, 2, 1, List.of(), 960 * 2);
            w.writePacket(FRAME, 0, FRAME.length);
            w.writeSilence(1);
            assertThat(w.pendingPackets()).isZero();
            w.finish(List.of());
        }
        OggOpusReader.Stream s = OggOpusReader.read(file);
        OggOpusReader.Page last = s.pages().get(s.pages().size() - 1);
        assertThat(last.flags()).isEqualTo(OggOpusWriter.FLAG_EOS);
        assertThat(last.segments()).isZero();
        assertThat(last.granule()).isEqualTo(1920);
        assertThat(Ffmpeg.probe(file)).containsEntry("streams.stream.0.codec_name", "opus");
    }

    @Test
    void finalCommentsReplaceTheHeaderInPlaceAndFfmpegReadsTheChapters() throws Exception {
        Path file = dir.resolve("c.opus");
        long sizeBefore;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OggOpusWriter w = new OggOpusWriter(ch, 2, 7, List.of("TITLE=Set"), 48_000);
            for (int i = 0; i < 150; i++) {
                w.writePacket(FRAME, 0, FRAME.length);
            }
            assertThat(w.finish(List.of("TITLE=Set", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=Opening",
                    "CHAPTER002=00:00:01.500", "CHAPTER002NAME=Ballad"))).isTrue();
            sizeBefore = ch.size();
        }
        assertThat(Files.size(file)).isEqualTo(sizeBefore);
        OggOpusReader.Stream s = OggOpusReader.read(file);
        assertThat(s.damage()).isNull();
        assertThat(s.comments()).contains("CHAPTER002NAME=Ballad");
        assertThat(s.pages().get(1).length()).as("same page length").isEqualTo(s.pages().get(2).offset() - s.pages().get(1).offset());
        Map<String, String> probe = Ffmpeg.probe(file);
        assertThat(probe).containsEntry("chapters.chapter.0.start_time", "0.000000")
                .containsEntry("chapters.chapter.0.tags.title", "Opening")
                .containsEntry("chapters.chapter.1.start_time", "1.500000")
                .containsEntry("chapters.chapter.1.tags.title", "Ballad")
                .containsEntry("streams.stream.0.tags.TITLE", "Set");
        // ffprobe 5.1 reports the last granule position as the duration (pre-skip not subtracted): within 312 samples.
        assertThat(Double.parseDouble(probe.get("format.duration"))).isCloseTo(150 * 0.020, within(0.007));
    }

    @Test
    void commentsThatDoNotFitAreRefused() throws Exception {
        try (FileChannel ch = FileChannel.open(dir.resolve("d.opus"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> new OggOpusWriter(ch, 2, 1, List.of("X=" + "y".repeat(9000)), 48_000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
            OggOpusWriter w = new OggOpusWriter(ch, 2, 1, List.of(), 48_000);
            assertThatThrownBy(() -> w.writePacket(new byte[0], 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(w.finish(List.of("X=" + "y".repeat(9000)))).as("too long to rewrite").isFalse();
        }
    }
}
