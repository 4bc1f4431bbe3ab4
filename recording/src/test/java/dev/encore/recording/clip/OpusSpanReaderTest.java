package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpusSpanReaderTest {
    @TempDir
    Path dir;

    /** {@code count} 20 ms packets; packet i is 40 bytes filled with i, so each is recognisable. */
    private static List<byte[]> numbered(int count) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            packets.add(TestOgg.packet(40, i));
        }
        return packets;
    }

    @Test
    void readsPacketsThatSpanPagesIntact() throws Exception {
        List<byte[]> packets = List.of(TestOgg.packet(100, 1), TestOgg.packet(600, 2), TestOgg.packet(255, 3),
                TestOgg.packet(510, 4), TestOgg.packet(40, 5), TestOgg.packet(1, 6));
        Path file = dir.resolve("x.opus");
        Files.write(file, TestOgg.bytes(2, 0, packets, 3)); // three lacing values a page: most packets cross pages

        OpusSpan span = OpusSpanReader.read(file, 0, 10);

        assertThat(span.packets()).hasSize(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            assertThat(span.packets().get(i)).as("packet %d", i).isEqualTo(packets.get(i));
        }
        assertThat(span.primingSamples()).isZero();
        assertThat(span.validSamples()).isEqualTo(6 * 960);
        assertThat(span.head().channels()).isEqualTo(2);
    }

    @Test
    void takesEightyMillisecondsOfPreRollAndTrimsToTheSample() throws Exception {
        Path file = dir.resolve("x.opus");
        TestOgg.write(file, 2, 312, numbered(100));

        OpusSpan span = OpusSpanReader.read(file, 0.5, 1.0);

        // 0.5 s is granule 24312 (pre-skip 312): inside packet 25 (24000..24960). 80 ms earlier is 20472: packet 21.
        assertThat(span.packets().get(0)[1]).isEqualTo((byte) 21);
        assertThat(span.packets().get(span.packets().size() - 1)[1]).isEqualTo((byte) 50); // holds granule 48311
        assertThat(span.packets()).hasSize(30);
        assertThat(span.primingSamples()).isEqualTo(24312 - 21 * 960);
        assertThat(span.validSamples()).isEqualTo(24000);
        assertThat(span.fromSeconds()).isEqualTo(0.5);
        assertThat(span.durationSeconds()).isEqualTo(0.5);
        // The last sample is only as long as what is played of it (Opus in ISOBMFF §4.3.4).
        assertThat(span.durations()[29]).isEqualTo(48312 - 50 * 960);
        assertThat(Arrays.stream(span.durations()).limit(29)).allMatch(d -> d == 960);
    }

    @Test
    void atTheStartThePreRollIsWhatThereIs() throws Exception {
        Path file = dir.resolve("x.opus");
        TestOgg.write(file, 1, 312, numbered(100));

        OpusSpan span = OpusSpanReader.read(file, 0, 0.2);

        assertThat(span.packets().get(0)[1]).isEqualTo((byte) 0);
        assertThat(span.primingSamples()).isEqualTo(312); // the encoder's own pre-skip
        assertThat(span.validSamples()).isEqualTo(9600);
        assertThat(span.head().channels()).isEqualTo(1);
    }

    @Test
    void aPageCutShortByACrashEndsTheRecording() throws Exception {
        byte[] whole = TestOgg.bytes(2, 0, numbered(100), 10); // 10 packets (200 ms) a page
        Path file = dir.resolve("x.opus");
        Files.write(file, Arrays.copyOf(whole, whole.length - 30));

        OpusSpan span = OpusSpanReader.read(file, 1.5, 5);
        assertThat(span.validSamples()).isEqualTo(90 * 960 - 72_000); // the last whole page ends at packet 90

        assertThatThrownBy(() -> OpusSpanReader.read(file, 1.9, 5))
                .isInstanceOf(ClipException.class)
                .hasMessage("no audio between 1.9 s and 5.0 s (expected: a span inside the recording, 0.0–1.8 s)");
    }

    @Test
    void aDamagedPageIsReportedWithWhereItIs() throws Exception {
        byte[] bytes = TestOgg.bytes(2, 0, numbered(20), 10);
        bytes[bytes.length - 5] ^= 0x40;
        Path file = dir.resolve("x.opus");
        Files.write(file, bytes);
        int lastPage = bytes.length - (27 + 10 + 400);

        assertThatThrownBy(() -> OpusSpanReader.read(file, 0, 1))
                .isInstanceOf(ClipException.class)
                .hasMessage("damaged Ogg page at byte " + lastPage + " of " + file
                        + " (expected: a page whose CRC matches, RFC 3533 §6)");
    }

    @Test
    void aFileThatIsNotOggOpusIsRefused() throws Exception {
        Path text = dir.resolve("notes.opus");
        Files.writeString(text, "these are not the pages you are looking for");
        assertThatThrownBy(() -> OpusSpanReader.read(text, 0, 1))
                .isInstanceOf(ClipException.class)
                .hasMessage("not an Ogg page at byte 0 of " + text + " (expected: an Ogg Opus file, RFC 7845)");

        Path missing = dir.resolve("missing.opus");
        assertThatThrownBy(() -> OpusSpanReader.read(missing, 0, 1))
                .isInstanceOf(ClipException.class)
                .hasMessage("recording not found: " + missing + " (expected: the set's Ogg Opus file)");
    }

    @Test
    void crcMatchesTheBitwiseDefinition() {
        // "OggS" page CRCs are checked against TestOgg's bit-by-bit CRC in every test above; this pins a known value:
        // CRC-32/MPEG-2 without init/xorout of "123456789" is 0x89A1897F.
        assertThat(TestOgg.crc("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo(0x89A1897F);
    }
}
