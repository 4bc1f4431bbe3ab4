package dev.encore.recording.clip;

/**
 * How long an Opus packet plays, from its TOC byte and frame count (https://www.rfc-editor.org/rfc/rfc6716#section-3.1).
 * Stateless.
 */
final class OpusToc {
    /** RFC 6716 §3.2.5: a packet never holds more than 120 ms. */
    static final int MAX_SAMPLES = 5760;

    private static final int[] SILK_FRAME = {480, 960, 1920, 2880};
    private static final int[] CELT_FRAME = {120, 240, 480, 960};

    private OpusToc() {
    }

    /** 48 kHz samples per channel the packet decodes to, or -1 when its TOC and frame count are not a valid Opus packet. */
    static int samples(byte[] packet) {
        if (packet.length < 1) {
            return -1;
        }
        int toc = packet[0] & 0xFF;
        int frames;
        switch (toc & 3) {
            case 0:
                frames = 1;
                break;
            case 1:
            case 2:
                frames = 2;
                break;
            default:
                // Code 3: the frame count byte follows the TOC (RFC 6716 §3.2.5).
                if (packet.length < 2) {
                    return -1;
                }
                frames = packet[1] & 0x3F;
                if (frames == 0) {
                    return -1;
                }
        }
        int total = frames * frameSamples(toc);
        return total > MAX_SAMPLES ? -1 : total;
    }

    /** Samples per frame of a TOC configuration (RFC 6716 §3.1, Table 2). */
    static int frameSamples(int toc) {
        int config = (toc & 0xFF) >>> 3;
        if (config < 12) {
            return SILK_FRAME[config & 3];
        }
        if (config < 16) {
            return (config & 1) == 0 ? 480 : 960;
        }
        return CELT_FRAME[config & 3];
    }
}
