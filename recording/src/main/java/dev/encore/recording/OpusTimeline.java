package dev.encore.recording;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts the performer's Opus packets on the recording's timeline (sans-I/O): orders them by RTP timestamp through a small
 * reorder window, drops late and duplicate packets, and fills every hole in the RTP timeline (a lost packet, DTX, the
 * performer away) with 20 ms silence packets, so the file's time is the set's time: nothing stretched or squeezed.
 *
 * <p>Why the RTP timestamp and not the arrival time: it is the media clock (RFC 3550 §5.1; Opus always at 48 kHz, RFC 7587
 * §4.1), immune to network jitter and bursts after a stall. The show router's outgoing stream already advances it by the
 * real time elapsed when the performer reconnects (new SSRC or a big sequence jump), so the time away is in it. Arrival
 * times only guard against a broken clock: a hole more than {@link #MAX_CLOCK_LEAD_SAMPLES} longer than the time that
 * really passed between the two packets is cut down to that time.
 *
 * <p>Why silence packets and not a granule jump: RFC 7845 §4 defines the granule position as a count of decoded samples;
 * a jump with no packets behind it is not a gap a decoder plays (ffmpeg derives timestamps from packet durations and
 * only warns), so the time has to be in packets. RFC 7845 §4.1 suggests zero-length (PLC) frames for lost packets;
 * explicit CELT silence decodes to true digital silence everywhere, which is the honest rendering of a performer away.
 * Holes are rounded to whole 20 ms frames with the remainder carried to the next hole, so no drift accumulates.
 *
 * <p>Thread: not thread-safe; owned by the recorder's writer thread.
 */
final class OpusTimeline {
    static final int FRAME = OpusPacket.FRAME_SAMPLES;
    static final long MAX_CLOCK_LEAD_SAMPLES = 5L * OggOpusWriter.SAMPLE_RATE;

    /** Where the timeline's packets go. */
    interface Sink {
        void packet(byte[] data, int samples) throws IOException;

        void silence(long frames) throws IOException;
    }

    private record Entry(long arrivalNanos, byte[] data, int samples) {
    }

    private final int reorderDepth;
    private final TreeMap<Long, Entry> window = new TreeMap<>();
    private boolean started;
    /** The newest extended RTP timestamp offered: the reference for unwrapping the next one. */
    private long newestTs;
    private boolean emitted;
    private long nextTs;
    private long lastArrivalNanos;
    private int lastSamples;
    private long carry;
    private long position;
    private long anchorNanos;
    private long anchorPosition;
    private long late;
    private long malformed;
    private long holes;
    private long clockJumps;

    /** @param reorderDepth packets held back to put reordered ones in place (0: write each at once) */
    OpusTimeline(int reorderDepth) {
        if (reorderDepth < 0) {
            throw new IllegalArgumentException("reorderDepth: " + reorderDepth + " (expected: >= 0)");
        }
        this.reorderDepth = reorderDepth;
    }

    /** One packet from the tap; {@code data} is the timeline's from now on. */
    void offer(long arrivalNanos, long rtpTimestamp, byte[] data, Sink sink) throws IOException {
        int samples = OpusPacket.samples(data, 0, data.length);
        if (samples < 0) {
            malformed++;
            return;
        }
        long ts32 = rtpTimestamp & 0xFFFFFFFFL;
        long ts = started ? newestTs + (int) (ts32 - (newestTs & 0xFFFFFFFFL)) : ts32;
        if ((emitted && ts < nextTs) || window.containsKey(ts)) {
            late++;
            return;
        }
        if (!started || ts > newestTs) {
            newestTs = ts;
        }
        started = true;
        window.put(ts, new Entry(arrivalNanos, data, samples));
        while (window.size() > reorderDepth) {
            emitFirst(sink);
        }
    }

    /** Writes out every packet held in the reorder window (when packets pause, and at the end). */
    void drain(Sink sink) throws IOException {
        while (!window.isEmpty()) {
            emitFirst(sink);
        }
    }

    private void emitFirst(Sink sink) throws IOException {
        Map.Entry<Long, Entry> first = window.pollFirstEntry();
        long ts = first.getKey();
        Entry e = first.getValue();
        if (!emitted) {
            nextTs = ts;
        }
        long hole = ts - nextTs;
        if (hole < 0) {
            late++;
            return;
        }
        if (emitted && hole > 0) {
            long elapsed = Math.max(0, (e.arrivalNanos - lastArrivalNanos) * OggOpusWriter.SAMPLE_RATE / 1_000_000_000L - lastSamples);
            if (hole > elapsed + MAX_CLOCK_LEAD_SAMPLES) {
                clockJumps++;
                hole = elapsed;
            }
            long total = hole + carry;
            long frames = Math.max(0, (total + FRAME / 2) / FRAME);
            carry = total - frames * FRAME;
            if (frames > 0) {
                holes++;
                sink.silence(frames);
                position += frames * FRAME;
            }
        }
        anchorNanos = e.arrivalNanos;
        anchorPosition = position;
        sink.packet(e.data, e.samples);
        position += e.samples;
        nextTs = ts + e.samples;
        lastArrivalNanos = e.arrivalNanos;
        lastSamples = e.samples;
        emitted = true;
    }

    /**
     * The stream sample (pre-skip included) that plays what arrived at {@code nanos}: extrapolated in real time from the
     * newest packet written, so a moment while the performer is away lands where the silence will be. 0 before any packet.
     */
    long positionAt(long nanos) {
        if (!emitted) {
            return 0;
        }
        return Math.max(0, anchorPosition + (nanos - anchorNanos) * OggOpusWriter.SAMPLE_RATE / 1_000_000_000L);
    }

    /** Samples on the timeline so far (packets and silence written to the sink). */
    long position() {
        return position;
    }

    long late() {
        return late;
    }

    long malformed() {
        return malformed;
    }

    /** Holes filled with silence. */
    long holes() {
        return holes;
    }

    long clockJumps() {
        return clockJumps;
    }
}
