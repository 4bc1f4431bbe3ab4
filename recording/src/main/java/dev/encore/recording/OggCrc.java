package dev.encore.recording;

/**
 * The Ogg page checksum (https://www.rfc-editor.org/rfc/rfc3533#section-6): CRC-32 with the generator polynomial
 * 0x04C11DB7, initial value 0, no reflection of input or output and no final XOR, computed over the whole page with its
 * checksum field set to zero. (Not zlib's CRC-32, which is reflected.) Stateless.
 */
final class OggCrc {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            TABLE[i] = r;
        }
    }

    private OggCrc() {
    }

    /** The checksum of {@code len} bytes of {@code buf} from {@code off}, as an unsigned 32-bit value in an int. */
    static int crc(byte[] buf, int off, int len) {
        return update(0, buf, off, len);
    }

    static int update(int crc, byte[] buf, int off, int len) {
        int r = crc;
        for (int i = off; i < off + len; i++) {
            r = (r << 8) ^ TABLE[((r >>> 24) ^ buf[i]) & 0xFF];
        }
        return r;
    }
}
