package dev.encore.loadtest;

/**
 * Carries the synthetic performer's send time inside each Opus packet, where the server relays it untouched, so every
 * listener of the same process measures one-way latency on the same clock ({@link System#nanoTime}).
 *
 * <p>Why in the payload: the server renumbers every performer packet into the show's one outgoing stream (new SSRC,
 * sequence numbers and timestamps shifted by offsets the listener does not know) and drops RTP header extensions, but it
 * relays the Opus payload byte for byte. So the encoder's one-frame packet (code 0, RFC 6716 §3.2.2) is rewritten as the
 * same frame in a code 3 packet with padding (§3.2.5): TOC with c=3, a frame count byte {@code v=0 p=1 M=1}, one padding
 * length byte, the frame, then {@value #PADDING} padding bytes: the magic {@code "EN"} and the send time (8 bytes, big
 * endian). Decoders ignore padding (§3.2.5: "the padding bytes ... MUST be ignored by the decoder"), so the audio decodes
 * exactly as before; the RFC asks encoders to send zero padding, which a load-test signal knowingly does not.
 *
 * <p>Sans-I/O and stateless.
 */
final class SendStamp {
    /** Padding bytes added: 2 of magic, 8 of time. */
    static final int PADDING = 10;
    /** Bytes a stamp adds to the encoder's packet: the frame count byte, the padding length byte and the padding. */
    static final int OVERHEAD = 2 + PADDING;
    private static final byte MAGIC_0 = 'E';
    private static final byte MAGIC_1 = 'N';

    private SendStamp() {
    }

    /**
     * Rewrites a code 0 Opus packet {@code in[0, len)} into {@code out} with the send time; returns the new length, or -1 when
     * the packet is not a single frame (code 1, 2 or 3), which is then not stamped.
     */
    static int stamp(byte[] in, int len, long sendNanos, byte[] out) {
        if (len < 1 || (in[0] & 0x03) != 0) {
            return -1;
        }
        if (out.length < len + OVERHEAD) {
            throw new IllegalArgumentException("out: " + out.length + " bytes (expected: at least " + (len + OVERHEAD) + ")");
        }
        out[0] = (byte) (in[0] | 0x03);
        out[1] = 0x41; // v=0 (CBR), p=1 (padding), M=1 (one frame)
        out[2] = PADDING; // padding length < 255: one byte
        System.arraycopy(in, 1, out, 3, len - 1);
        int p = len + 2;
        out[p] = MAGIC_0;
        out[p + 1] = MAGIC_1;
        for (int i = 0; i < 8; i++) {
            out[p + 2 + i] = (byte) (sendNanos >>> (56 - 8 * i));
        }
        return len + OVERHEAD;
    }

    /** Whether {@code payload[off, off+len)} carries a stamp. */
    static boolean isStamped(byte[] payload, int off, int len) {
        return len >= 3 + PADDING && (payload[off] & 0x03) == 3 && (payload[off + 1] & 0xFF) == 0x41
                && (payload[off + 2] & 0xFF) == PADDING && payload[off + len - PADDING] == MAGIC_0
                && payload[off + len - PADDING + 1] == MAGIC_1;
    }

    /** The send time a stamped packet carries; call only when {@link #isStamped} is true. */
    static long sendNanos(byte[] payload, int off, int len) {
        long t = 0;
        int p = off + len - 8;
        for (int i = 0; i < 8; i++) {
            t = (t << 8) | (payload[p + i] & 0xFF);
        }
        return t;
    }
}
