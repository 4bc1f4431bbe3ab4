package dev.encore.recording.clip;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the packets of one span out of an Ogg Opus recording (Ogg: https://www.rfc-editor.org/rfc/rfc3533, Opus in Ogg:
 * https://www.rfc-editor.org/rfc/rfc7845) without decoding them.
 *
 * <p>Each packet's place on the timeline comes from the granule positions (RFC 7845 §4): a page's granule is the sample
 * count, pre-skip included, at the end of the last packet completed on it. Recording time {@code t} seconds is therefore
 * granule {@code t * 48000 + preSkip}. The first logical stream whose first packet is an OpusHead is read; pages of other
 * streams are skipped. A page cut short at the end of the file (a recorder killed mid-write) ends the recording there.
 * The recorder fills a gap in the performer's audio with silence packets, so the timeline has no holes; a hole in the
 * granules from another writer would be squeezed out of the clip (the MP4 sample table has no way to hold it).
 *
 * <p>Single use, one thread: the caller's.
 */
final class OpusSpanReader {
    /**
     * Opus needs 80 ms of decoded audio after a random access before its output is right (Opus in ISOBMFF §4.3.6.2,
     * https://opus-codec.org/docs/opus_in_isobmff.html): the span starts this many samples into the packets taken.
     */
    static final int PREROLL_SAMPLES = 3840;
    /** A packet this small carries no audio: DTX, or the recorder's silence for a gap (3 bytes: TOC plus CELT silence). */
    static final int SILENT_PACKET_MAX_BYTES = 3;

    private static final int HEADER_BYTES = 27;
    private static final int FLAG_CONTINUED = 1;
    private static final int FLAG_BOS = 2;
    private static final long NO_GRANULE = -1;
    private static final int[] CRC_TABLE = crcTable();

    private final Path path;
    private final InputStream in;
    private long offset;

    private boolean haveSerial;
    private int serial;
    private long packetIndex;
    private OpusHead head;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<byte[]> pending = new ArrayList<>();
    private long prevGranule = Long.MIN_VALUE;
    private long lastEnd = Long.MIN_VALUE;

    private final long spanFirst;
    private final long spanEnd;
    private final List<byte[]> selected = new ArrayList<>();
    private final List<long[]> selectedTimes = new ArrayList<>();
    private boolean pastSpan;

    private OpusSpanReader(Path path, InputStream in, long spanFirst, long spanEnd) {
        this.path = path;
        this.in = in;
        this.spanFirst = spanFirst;
        this.spanEnd = spanEnd;
    }

    /**
     * Reads the packets covering {@code [fromSeconds, toSeconds)} of the recording; a span running past the end is cut at
     * the end.
     *
     * @throws ClipException when the file is not Ogg Opus, or the span holds no audio
     */
    static OpusSpan read(Path recording, double fromSeconds, double toSeconds) throws IOException, ClipException {
        long from = Math.round(fromSeconds * OpusSpan.RATE);
        long to = Math.round(toSeconds * OpusSpan.RATE);
        InputStream raw;
        try {
            raw = Files.newInputStream(recording);
        } catch (NoSuchFileException e) {
            throw new ClipException("recording not found: " + recording + " (expected: the set's Ogg Opus file)", e);
        }
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            // from/to count PCM samples; the OpusHead's pre-skip turns them into granule positions once it is read.
            OpusSpanReader reader = new OpusSpanReader(recording, in, from, to);
            return reader.readAll(fromSeconds, toSeconds);
        }
    }

    private OpusSpan readAll(double fromSeconds, double toSeconds) throws IOException, ClipException {
        while (!pastSpan && readPage()) {
            // next page
        }
        if (head == null) {
            throw new ClipException("no Opus stream in " + path + " (expected: an Ogg Opus file, RFC 7845)");
        }
        long preSkip = head.preSkip();
        long recordedSamples = Math.max(0, lastEnd - preSkip);
        long first = spanFirst + preSkip;
        long end = Math.min(spanEnd + preSkip, lastEnd);
        List<byte[]> packets = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        boolean audible = false;
        for (int i = 0; i < selected.size(); i++) {
            long[] t = selectedTimes.get(i);
            if (t[0] >= end) {
                break;
            }
            packets.add(selected.get(i));
            times.add(t);
            if (t[1] > first && selected.get(i).length > SILENT_PACKET_MAX_BYTES) {
                audible = true;
            }
        }
        if (end <= first || packets.isEmpty()) {
            throw new ClipException("no audio between " + seconds(fromSeconds) + " s and " + seconds(toSeconds)
                    + " s (expected: a span inside the recording, 0.0–" + seconds(recordedSamples) + " s)");
        }
        if (!audible) {
            throw new ClipException("no audio between " + seconds(fromSeconds) + " s and " + seconds(toSeconds)
                    + " s (only silence there, the performer was away; expected: a span where the performer plays)");
        }
        long start = first;
        if (times.get(0)[0] > start) {
            start = times.get(0)[0]; // a stream that begins after granule 0: start with it
        }
        int[] durations = new int[packets.size()];
        for (int i = 0; i < durations.length; i++) {
            long[] t = times.get(i);
            // Opus in ISOBMFF §4.3.4: the last sample's duration counts only the samples that are played.
            durations[i] = (int) (Math.min(t[1], end) - t[0]);
        }
        return new OpusSpan(head, packets, durations, start - times.get(0)[0], end - start,
                (start - preSkip) / (double) OpusSpan.RATE);
    }

    /** Reads one page; false at the end of the file (or at a page cut short by a crash). */
    private boolean readPage() throws IOException, ClipException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length < HEADER_BYTES) {
            return false;
        }
        if (header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S' || header[4] != 0) {
            throw new ClipException("not an Ogg page at byte " + offset + " of " + path
                    + " (expected: an Ogg Opus file, RFC 7845)");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int flags = header[5] & 0xFF;
        long granule = h.getLong(6);
        int pageSerial = h.getInt(14);
        int storedCrc = h.getInt(22);
        int segments = header[26] & 0xFF;
        byte[] lacing = in.readNBytes(segments);
        int bodyLength = 0;
        for (byte l : lacing) {
            bodyLength += l & 0xFF;
        }
        byte[] body = in.readNBytes(bodyLength);
        if (lacing.length < segments || body.length < bodyLength) {
            return false;
        }
        h.putInt(22, 0);
        int crc = crc(crc(crc(0, header), lacing), body);
        if (crc != storedCrc) {
            throw new ClipException("damaged Ogg page at byte " + offset + " of " + path
                    + " (expected: a page whose CRC matches, RFC 3533 §6)");
        }
        offset += HEADER_BYTES + segments + bodyLength;

        if (!haveSerial) {
            if ((flags & FLAG_BOS) == 0) {
                return true;
            }
            haveSerial = true;
            serial = pageSerial;
        } else if (pageSerial != serial) {
            return true;
        }
        onPage(flags, granule, lacing, body);
        return true;
    }

    private void onPage(int flags, long granule, byte[] lacing, byte[] body) throws ClipException {
        if ((flags & FLAG_CONTINUED) == 0) {
            partial.reset();
        }
        boolean dropFragment = (flags & FLAG_CONTINUED) != 0 && partial.size() == 0;
        int pos = 0;
        for (byte l : lacing) {
            int len = l & 0xFF;
            partial.write(body, pos, len);
            pos += len;
            if (len < 255) {
                byte[] packet = partial.toByteArray();
                partial.reset();
                if (dropFragment) {
                    dropFragment = false;
                    continue;
                }
                onPacket(packet);
            }
        }
        if (granule != NO_GRANULE && head != null && !pending.isEmpty()) {
            placePending(granule);
        }
    }

    private void onPacket(byte[] packet) throws ClipException {
        long index = packetIndex++;
        if (index == 0) {
            head = OpusHead.parse(packet);
            if (head == null) {
                throw new ClipException("the first stream of " + path
                        + " is not Opus (expected: an Ogg Opus file whose first packet is an OpusHead, RFC 7845 §5.1)");
            }
            return;
        }
        if (index == 1) {
            return; // OpusTags (RFC 7845 §5.2): nothing the clip needs.
        }
        pending.add(packet);
    }

    /** Gives the packets completed so far their start and end on the timeline, given the granule at the end of them. */
    private void placePending(long granule) throws ClipException {
        int[] durations = new int[pending.size()];
        long sum = 0;
        for (int i = 0; i < durations.length; i++) {
            durations[i] = OpusToc.samples(pending.get(i));
            if (durations[i] < 0) {
                throw new ClipException("damaged Opus packet before byte " + offset + " of " + path
                        + " (expected: packets of at most 120 ms, RFC 6716 §3.2)");
            }
            sum += durations[i];
        }
        // Normally the packets follow the previous page's end. On the first page, or if the recorder left a hole in the
        // granules, count back from this page's granule instead. A granule short of the sum trims the end (RFC 7845 §4.5).
        long start = prevGranule == Long.MIN_VALUE || prevGranule + sum < granule ? granule - sum : prevGranule;
        for (int i = 0; i < durations.length; i++) {
            long end = Math.min(start + durations[i], granule);
            if (end > start) {
                accept(pending.get(i), start, end);
            }
            start += durations[i];
        }
        pending.clear();
        prevGranule = granule;
    }

    private void accept(byte[] packet, long start, long end) {
        lastEnd = Math.max(lastEnd, end);
        long preSkip = head.preSkip();
        long first = spanFirst + preSkip;
        long spanStop = spanEnd + preSkip;
        if (start >= spanStop) {
            pastSpan = true;
            return;
        }
        if (end > first - PREROLL_SAMPLES) {
            selected.add(packet);
            selectedTimes.add(new long[] {start, end});
        }
    }

    private static String seconds(long samples) {
        return seconds(samples / (double) OpusSpan.RATE);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f", s);
    }

    /** The Ogg CRC-32: polynomial 0x04c11db7, no reflection, initial value 0, no final xor (RFC 3533 §6). */
    private static int crc(int crc, byte[] data) {
        int c = crc;
        for (byte b : data) {
            c = (c << 8) ^ CRC_TABLE[((c >>> 24) ^ (b & 0xFF)) & 0xFF];
        }
        return c;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
