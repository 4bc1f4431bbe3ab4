package dev.encore.recording.clip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

import org.jcodec.containers.mp4.boxes.Box;
import org.junit.jupiter.api.Test;

/** Byte layouts from "Encapsulation of Opus in ISO Base Media File Format" (https://opus-codec.org/docs/opus_in_isobmff.html). */
class OpusMp4Test {
    private static final OpusHead STEREO = new OpusHead(2, 312, 48_000, 0, 0, new byte[0]);

    private static String hex(Box box) {
        ByteBuffer b = ByteBuffer.allocate(box.estimateSize() + 64);
        box.write(b);
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void opusSpecificBoxIsTheOpusHeadBigEndian() {
        // size 19, 'dOps', Version 0, 2 channels, PreSkip 4152, 48000 Hz, gain 0, family 0 (§4.3.2).
        assertThat(hex(OpusMp4.opusSpecificBox(STEREO, 4152)))
                .isEqualTo("00000013" + "644f7073" + "00" + "02" + "1038" + "0000bb80" + "0000" + "00");
    }

    @Test
    void preSkipIsNeverBelowEightyMilliseconds() {
        assertThat(hex(OpusMp4.opusSpecificBox(STEREO, 312))).contains("644f7073" + "0002" + "0f00");
    }

    @Test
    void multichannelStreamsCarryTheirMappingTable() {
        OpusHead surround = new OpusHead(6, 312, 48_000, -256, 1, new byte[] {4, 2, 0, 4, 1, 2, 3, 5});
        assertThat(hex(OpusMp4.opusSpecificBox(surround, 3840)))
                .isEqualTo("0000001b" + "644f7073" + "00" + "06" + "0f00" + "0000bb80" + "ff00" + "01" + "04" + "02"
                        + "000401020305");
    }

    @Test
    void sampleEntryIsAnIsoAudioSampleEntryAt48kHz() {
        // 'Opus': reserved(6) dref 1, reserved(8), channels 2, samplesize 16, pre_defined, reserved, 48000 << 16, dOps.
        assertThat(hex(OpusMp4.sampleEntry(STEREO, 4152)))
                .isEqualTo("00000037" + "4f707573" + "000000000000" + "0001" + "0000000000000000" + "0002" + "0010" + "0000"
                        + "0000" + "bb800000" + "00000013644f7073000210380000bb80000000");
    }

    @Test
    void rollGroupMapsEverySampleToFourPacketsOfPreRoll() {
        List<Box> boxes = OpusMp4.rollGroup(205, 960);
        // sgpd v1: 'roll', default_length 2, one entry, roll_distance -4 (80 ms of 20 ms packets).
        assertThat(hex(boxes.get(0))).isEqualTo("0000001a" + "73677064" + "01000000" + "726f6c6c" + "00000002" + "00000001"
                + "fffc");
        // sbgp v0: 'roll', one run of 205 samples, group description 1.
        assertThat(hex(boxes.get(1))).isEqualTo("0000001c" + "73626770" + "00000000" + "726f6c6c" + "00000001" + "000000cd"
                + "00000001");
        assertThat(hex(OpusMp4.rollGroup(10, 2880).get(0))).endsWith("fffe"); // 60 ms packets: two cover 80 ms
    }
}
