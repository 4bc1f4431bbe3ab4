package dev.encore.recording;

/**
 * Reads what a muxer needs from an Opus packet's TOC byte (https://www.rfc-editor.org/rfc/rfc6716#section-3.1): how many
 * 48 kHz samples (per channel) it decodes to. Also the packets this recorder synthesises itself. Stateless.
 */
public final class OpusPacket {
    /** Opus never puts more than 120 ms in one packet (RFC 6716 §3.2.5). */
    public static final int MAX_SAMPLES = 5760;
    /** One 20 ms frame at 48 kHz. */
    public static final int FRAME_SAMPLES = 960;

    /**
     * A 20 ms CELT-only fullband packet (TOC config 31, code 0) whose frame sets the CELT silence flag: the range-coded
     * bytes FF FE make the first symbol decoded, the silence bit (RFC 6716 §4.3, Table 56), 1. Every decoder renders it as
     * digital silence after the previous frame's overlap has died out (checked in the tests with concentus and ffmpeg).
     * The TOC's stereo bit is set: mono packets in a stereo stream are legal too, but the stereo flag keeps the decoder from
     * switching its stereo state at every gap.
     */
    private static final byte[] SILENCE_20MS_STEREO = {(byte) 0xFC, (byte) 0xFF, (byte) 0xFE};
    private static final byte[] SILENCE_20MS_MONO = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
    private static final int[] SILK_FRAME = {480, 960, 1920, 2880};
    private static final int[] CELT_FRAME = {120, 240, 480, 960};

    private OpusPacket() {
    }

    /**
     * Samples per channel at 48 kHz that the packet decodes to, or -1 when it is not a well-formed Opus packet by its TOC
     * and frame count (empty, a code 3 packet without its count byte or with no frame, more than 120 ms, or a code 1 packet
     * whose two frames cannot be the same size).
     */
    public static int samples(byte[] buf, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int toc = buf[off] & 0xFF;
        int frames;
        switch (toc & 3) {
            case 0 -> frames = 1;
            case 1 -> {
                if ((len - 1) % 2 != 0) {
                    return -1;
                }
                frames = 2;
            }
            case 2 -> {
                if (len < 2) {
                    return -1;
                }
                frames = 2;
            }
            default -> {
                if (len < 2) {
                    return -1;
                }
                frames = buf[off + 1] & 0x3F;
                if (frames == 0) {
                    return -1;
                }
            }
        }
        int total = frames * frameSamples(toc);
        return total > MAX_SAMPLES ? -1 : total;
    }

    /** Samples per frame at 48 kHz of a TOC byte's configuration (RFC 6716 §3.1, Table 2). */
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

    /** A 20 ms packet that decodes to silence, for {@code channels} (1 or 2). A fresh copy. */
    public static byte[] silence20ms(int channels) {
        return (channels == 1 ? SILENCE_20MS_MONO : SILENCE_20MS_STEREO).clone();
    }
}
