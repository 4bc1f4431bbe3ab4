package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OggCrcTest {

    /** The CRC catalogue's check value: CRC-32/CKSUM without its final XOR, 0x765E7680 ^ 0xFFFFFFFF. */
    @Test
    void knownVector() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(OggCrc.crc(check, 0, check.length)).isEqualTo(0x89A1897F);
        assertThat(OggCrc.crc(new byte[0], 0, 0)).isZero();
        assertThat(OggCrc.crc(new byte[] {0, 0, 0, 0}, 0, 4)).as("initial value 0, no final XOR").isZero();
    }

    @Test
    void updateInPiecesEqualsAtOnce() {
        byte[] data = "OggS and some more bytes".getBytes(StandardCharsets.US_ASCII);
        int piecewise = OggCrc.update(OggCrc.crc(data, 0, 5), data, 5, data.length - 5);
        assertThat(piecewise).isEqualTo(OggCrc.crc(data, 0, data.length));
    }

    /** Pages written by libogg (through ffmpeg's Ogg muxer) carry checksums this implementation computes too. */
    @Test
    void agreesWithFfmpegsPages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ffmpeg.opus");
        Ffmpeg.run(List.of(Ffmpeg.FFMPEG, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libopus",
                file.toString()));
        OggOpusReader.Stream stream = OggOpusReader.read(Files.readAllBytes(file));
        assertThat(stream.damage()).isNull();
        assertThat(stream.pages()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(stream.complete()).isTrue();
    }
}
