package dev.encore.loadtest.client;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/**
 * Opus to 48 kHz PCM for one listener (RFC 6716), with packet-loss concealment. Owned by the listener's event loop.
 */
final class PcmDecoder {
    /** 120 ms at 48 kHz: the longest Opus packet. */
    static final int MAX_FRAME_SAMPLES = 5760;

    private final OpusDecoder decoder;
    private final int channels;
    private int lastFrameSamples = 960;

    PcmDecoder(boolean stereo) {
        this.channels = stereo ? 2 : 1;
        try {
            this.decoder = new OpusDecoder(48_000, channels);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create an Opus decoder: " + e.getMessage(), e);
        }
    }

    int channels() {
        return channels;
    }

    /** A buffer big enough for any frame. */
    short[] newBuffer() {
        return new short[MAX_FRAME_SAMPLES * channels];
    }

    /** Decodes one packet; returns samples per channel. */
    int decode(byte[] data, int off, int len, short[] pcm) throws OpusException {
        int n = decoder.decode(data, off, len, pcm, 0, MAX_FRAME_SAMPLES, false);
        lastFrameSamples = n;
        return n;
    }

    /** Conceals one lost frame of the last frame's duration; returns samples per channel. */
    int conceal(short[] pcm) throws OpusException {
        return decoder.decode(null, 0, 0, pcm, 0, lastFrameSamples, false);
    }
}
