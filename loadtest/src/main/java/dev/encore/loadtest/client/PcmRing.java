package dev.encore.loadtest.client;

/**
 * The last N samples of decoded PCM (interleaved), for analysis by tests and the load tool. Written by the listener's event
 * loop, read by anyone: methods are synchronized.
 */
public final class PcmRing {
    private final short[] ring;
    private final int channels;
    private long written;

    PcmRing(int capacitySamples, int channels) {
        if (capacitySamples <= 0 || channels <= 0) {
            throw new IllegalArgumentException("capacity " + capacitySamples + ", channels " + channels + " (expected: > 0)");
        }
        this.ring = new short[capacitySamples - capacitySamples % channels];
        this.channels = channels;
    }

    synchronized void write(short[] pcm, int len) {
        int off = 0;
        if (len > ring.length) {
            off = len - ring.length;
            written += off;
        }
        while (off < len) {
            int pos = (int) (written % ring.length);
            int n = Math.min(len - off, ring.length - pos);
            System.arraycopy(pcm, off, ring, pos, n);
            off += n;
            written += n;
        }
    }

    /** Interleaved channels of the samples. */
    public int channels() {
        return channels;
    }

    /** Samples written since the start (all channels counted). */
    public synchronized long written() {
        return written;
    }

    /** A copy of the samples held, oldest first. */
    public synchronized short[] snapshot() {
        int n = (int) Math.min(written, ring.length);
        short[] out = new short[n];
        int start = (int) ((written - n) % ring.length);
        int first = Math.min(n, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, n - first);
        return out;
    }
}
