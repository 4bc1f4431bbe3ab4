package dev.encore.recording.clip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Ogg Opus identification header (https://www.rfc-editor.org/rfc/rfc7845#section-5.1): what a decoder needs before the
 * first packet. Immutable.
 *
 * @param channels output channel count
 * @param preSkip 48 kHz samples the decoder discards at the start of the stream
 * @param inputSampleRate the rate of the encoder's input, informative only
 * @param outputGain Q7.8 dB gain to apply to the decoded output
 * @param mappingFamily channel mapping family (0: mono/stereo, no table)
 * @param mappingTable for a family other than 0: stream count, coupled count, then one byte per channel; empty for family 0
 */
record OpusHead(int channels, int preSkip, long inputSampleRate, int outputGain, int mappingFamily, byte[] mappingTable) {
    private static final byte[] MAGIC = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};

    /** Parses the first packet of an Ogg Opus stream, or returns null when it is not an OpusHead this reader can use. */
    static OpusHead parse(byte[] packet) {
        if (packet.length < 19) {
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (packet[i] != MAGIC[i]) {
                return null;
            }
        }
        ByteBuffer b = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.get(8) & 0xFF;
        // RFC 7845 §5.1: a major version (upper nibble) other than 0 is incompatible.
        if ((version & 0xF0) != 0) {
            return null;
        }
        int channels = b.get(9) & 0xFF;
        int preSkip = b.getShort(10) & 0xFFFF;
        long inputRate = b.getInt(12) & 0xFFFFFFFFL;
        int gain = b.getShort(16);
        int family = b.get(18) & 0xFF;
        if (channels == 0) {
            return null;
        }
        byte[] table = new byte[0];
        if (family != 0) {
            if (packet.length < 21 + channels) {
                return null;
            }
            table = new byte[2 + channels];
            System.arraycopy(packet, 19, table, 0, table.length);
        } else if (channels > 2) {
            return null;
        }
        return new OpusHead(channels, preSkip, inputRate, gain, family, table);
    }
}
