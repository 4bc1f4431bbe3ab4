package dev.encore.media;

import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.RtpIngestSettings;
import dev.encore.show.ShowConfig;
import java.util.Arrays;

/** Helpers shared by the media-server tests. */
final class TestPackets {
    private TestPackets() {
    }

    static ShowConfig show(String id, int bitrate, RtpIngestSettings ingest) {
        return new ShowConfig(null, id, "Test " + id, null, AccessMode.OPEN, new AudioSettings(bitrate, true), ingest);
    }

    static byte[] rtp(int pt, int seq, long ts, long ssrc, byte[] payload) {
        byte[] out = new byte[RtpPacket.FIXED_HEADER_LENGTH + payload.length];
        int n = RtpPacket.write(out, 0, pt, false, seq, ts, ssrc, payload, 0, payload.length);
        return Arrays.copyOf(out, n);
    }

    static byte[] payload(int size, int seed) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (seed * 31 + i);
        }
        return p;
    }

    /**
     * A transparent SRTP stand-in: protect appends a fixed tag (so tests can see it ran, and on which bytes), unprotect
     * checks and strips it, or returns the configured failure.
     */
    static final class FakeSrtp implements SrtpTransform {
        static final byte TAG = (byte) 0xA5;
        static final int TAG_LENGTH = 10;
        volatile int unprotectResult;
        volatile boolean closed;
        int protectedRtp;
        int protectedRtcp;

        @Override
        public synchronized int protectRtp(byte[] buf, int off, int len) {
            protectedRtp++;
            Arrays.fill(buf, off + len, off + len + TAG_LENGTH, TAG);
            return len + TAG_LENGTH;
        }

        @Override
        public synchronized int protectRtcp(byte[] buf, int off, int len) {
            protectedRtcp++;
            Arrays.fill(buf, off + len, off + len + TAG_LENGTH, TAG);
            return len + TAG_LENGTH;
        }

        @Override
        public int unprotectRtcp(byte[] buf, int off, int len) {
            if (unprotectResult < 0) {
                return unprotectResult;
            }
            if (len < TAG_LENGTH) {
                return SrtpSession.FAIL_MALFORMED;
            }
            for (int i = len - TAG_LENGTH; i < len; i++) {
                if (buf[off + i] != TAG) {
                    return SrtpSession.FAIL_AUTH;
                }
            }
            return len - TAG_LENGTH;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
