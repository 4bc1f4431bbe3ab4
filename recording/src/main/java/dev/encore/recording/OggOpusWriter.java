package dev.encore.recording;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes one Ogg Opus stream (https://www.rfc-editor.org/rfc/rfc7845, pages per https://www.rfc-editor.org/rfc/rfc3533)
 * from Opus packets as they come, without re-encoding: the ID header alone on the first page (BOS), the comment header on
 * the second, then audio pages. A page is written as soon as it holds {@code pageSamples} of audio (or 255 lacing values,
 * or when {@link #flush()} is called), so a crash loses at most the page being filled; on a {@link FileChannel} each page
 * is also forced to the disk. Packets never span pages, so every page on disk ends with a whole packet and a file cut
 * after any page is a valid stream (only the EOS flag is missing, which players tolerate).
 *
 * <p>Granule positions (RFC 7845 §4): the number of 48 kHz samples decoded from the start of the stream through the last
 * packet completed on the page, pre-skip included. The stream starts at granule 0, so the playable duration is
 * {@code granule - preSkip}.
 *
 * <p>Comments and chapters: the comment header is written with zero padding up to a fixed packet length (RFC 7845 §5.2
 * allows padding after the comments: a first byte with its low bit clear may be discarded by editors).
 * {@link #finish(List)} rewrites that page in place with the final comments (e.g. chapters) when the channel is seekable
 * and they fit in the same packet length; otherwise the header stays as first written.
 *
 * <p>Thread: not thread-safe; owned by the thread that writes (the recorder's writer thread).
 */
public final class OggOpusWriter {
    /**
     * Pre-skip in samples (RFC 7845 §5.1 and §4.2): the encoder's look-ahead, which a decoder drops at the start. The
     * performer's encoder is not ours to know; 312 is libopus's look-ahead at 48 kHz for the default (non low-delay)
     * application (Fs/400 + Fs/250), which browsers' libwebrtc, ffmpeg's libopus and concentus all use, and what opusenc
     * and ffmpeg write. Getting it slightly wrong only shifts the start by a few milliseconds.
     */
    public static final int PRE_SKIP = 312;
    public static final int SAMPLE_RATE = 48_000;
    /** The comment header's length on disk: room for about 80 chapters with short names. */
    static final int TAGS_PACKET_BYTES = 8192;
    static final int FLAG_CONTINUED = 0x01;
    static final int FLAG_BOS = 0x02;
    static final int FLAG_EOS = 0x04;
    private static final int HEADER_BYTES = 27;
    private static final int MAX_SEGMENTS = 255;

    private final WritableByteChannel out;
    private final int channels;
    private final int serial;
    private final int pageSamples;
    private final byte[] silence;
    /** Where the stream starts in the channel, or -1 when the channel can't seek. */
    private final long startPosition;
    /** Where the comment page starts, or -1 when the channel can't seek back to it. */
    private final long tagsPagePosition;
    private final int tagsPageLength;
    private final byte[] pageData = new byte[MAX_SEGMENTS * 255];
    private final byte[] lacing = new byte[MAX_SEGMENTS];
    private int pageDataLength;
    private int segments;
    private int pagePackets;
    private long pageStartGranule;
    private int sequence;
    private long granule;
    private long bytesWritten;
    private long packets;
    private long silenceFrames;
    private boolean finished;

    /**
     * Writes the two header pages.
     *
     * @param channels 1 or 2, as announced in the ID header (a decoder renders every packet to this many channels)
     * @param comments the comment header's user comments, each {@code KEY=value} (RFC 7845 §5.2)
     * @param pageSamples audio per page before it is written, in 48 kHz samples (24,000 is half a second)
     */
    public OggOpusWriter(WritableByteChannel out, int channels, int serial, List<String> comments, int pageSamples)
            throws IOException {
        this.out = requireNonNull(out, "out");
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels: " + channels + " (expected: 1 or 2)");
        }
        if (pageSamples < OpusPacket.FRAME_SAMPLES) {
            throw new IllegalArgumentException("pageSamples: " + pageSamples + " (expected: at least 960)");
        }
        this.channels = channels;
        this.serial = serial;
        this.pageSamples = pageSamples;
        this.silence = OpusPacket.silence20ms(channels);

        startPosition = out instanceof SeekableByteChannel s ? s.position() : -1;
        // RFC 7845 §5.1: the ID header, alone on a page with the BOS flag, granule 0.
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) PRE_SKIP).putInt(SAMPLE_RATE).putShort((short) 0).put((byte) 0);
        addPacket(head.array(), 0, 19);
        writePage(FLAG_BOS, 0);

        // RFC 7845 §5.2: the comment header starts a new page and ends its page; audio starts on a fresh page.
        tagsPagePosition = startPosition < 0 ? -1 : startPosition + bytesWritten;
        byte[] tags = tagsPacket(comments);
        if (tags == null) {
            throw new IllegalArgumentException("comments: " + comments.size() + " take more than " + TAGS_PACKET_BYTES
                    + " bytes (expected: fewer or shorter comments)");
        }
        addPacket(tags, 0, tags.length);
        long before = bytesWritten;
        writePage(0, 0);
        tagsPageLength = (int) (bytesWritten - before);
    }

    /**
     * Appends one Opus packet. The page is written when it holds enough audio.
     *
     * @throws IllegalArgumentException when the packet is not well-formed by its TOC (nothing is written)
     */
    public void writePacket(byte[] packet, int off, int len) throws IOException {
        checkOpen();
        int samples = OpusPacket.samples(packet, off, len);
        if (samples < 0) {
            throw new IllegalArgumentException("packet of " + len + " bytes (expected: an Opus packet of at most 120 ms)");
        }
        append(packet, off, len, samples);
        packets++;
    }

    /** Appends {@code frames} 20 ms packets that decode to silence (for a gap in the performer's audio). */
    public void writeSilence(long frames) throws IOException {
        checkOpen();
        for (long i = 0; i < frames; i++) {
            append(silence, 0, silence.length, OpusPacket.FRAME_SAMPLES);
            silenceFrames++;
        }
    }

    private void append(byte[] packet, int off, int len, int samples) throws IOException {
        if (pagePackets > 0 && segments + len / 255 + 1 > MAX_SEGMENTS) {
            flush();
        }
        addPacket(packet, off, len);
        granule += samples;
        if (granule - pageStartGranule >= pageSamples) {
            flush();
        }
    }

    /** Writes the page being filled, if it holds any packet. */
    public void flush() throws IOException {
        checkOpen();
        if (pagePackets > 0) {
            writePage(0, granule);
        }
    }

    /**
     * Ends the stream: the last page gets the EOS flag (an empty page if the last packet is already on disk), then the
     * comment header is rewritten with {@code finalComments} if the channel is seekable and they fit. Does not close the
     * channel.
     *
     * @return whether the comment header now holds {@code finalComments}
     */
    public boolean finish(List<String> finalComments) throws IOException {
        checkOpen();
        writePage(FLAG_EOS, granule);
        finished = true;
        byte[] tags = tagsPacket(finalComments);
        if (tagsPagePosition < 0 || tags == null) {
            return false;
        }
        SeekableByteChannel seekable = (SeekableByteChannel) out;
        long end = seekable.position();
        int savedSequence = sequence;
        long savedBytes = bytesWritten;
        sequence = 1;
        addPacket(tags, 0, tags.length);
        ByteBuffer page = buildPage(0, 0);
        if (page.remaining() != tagsPageLength) {
            throw new IllegalStateException("comment page: " + page.remaining() + " bytes (expected: " + tagsPageLength + ")");
        }
        seekable.position(tagsPagePosition);
        writeFully(page);
        seekable.position(end);
        sequence = savedSequence;
        bytesWritten = savedBytes;
        if (out instanceof FileChannel file) {
            file.force(false);
        }
        return true;
    }

    /**
     * After a failed write: cuts the file back to the end of the last page written whole, so it stays a valid stream. A
     * no-op on a channel that can't be truncated.
     */
    public void truncateToLastPage() throws IOException {
        finished = true;
        if (startPosition >= 0) {
            SeekableByteChannel s = (SeekableByteChannel) out;
            long goodEnd = startPosition + bytesWritten;
            if (s.size() > goodEnd) {
                s.truncate(goodEnd);
            }
        }
    }

    /** Bytes of whole pages written (headers included). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Samples decoded from the start of the stream through the last packet appended (pre-skip included). */
    public long granule() {
        return granule;
    }

    /** The playable length of what was appended so far, in 48 kHz samples: the granule minus the pre-skip. */
    public long playableSamples() {
        return Math.max(0, granule - PRE_SKIP);
    }

    /** The granule position of the last page on disk. */
    public long writtenGranule() {
        return pageStartGranule;
    }

    /** Packets of the page being filled (not on disk yet). */
    public int pendingPackets() {
        return pagePackets;
    }

    public long packets() {
        return packets;
    }

    public long silenceFrames() {
        return silenceFrames;
    }

    public int channels() {
        return channels;
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the stream is finished (expected: no writes after finish or a failure)");
        }
    }

    private void addPacket(byte[] packet, int off, int len) {
        System.arraycopy(packet, off, pageData, pageDataLength, len);
        pageDataLength += len;
        int remaining = len;
        while (remaining >= 255) {
            lacing[segments++] = (byte) 255;
            remaining -= 255;
        }
        lacing[segments++] = (byte) remaining;
        pagePackets++;
    }

    private void writePage(int flags, long pageGranule) throws IOException {
        ByteBuffer page = buildPage(flags, pageGranule);
        int length = page.remaining();
        writeFully(page);
        bytesWritten += length;
        pageStartGranule = pageGranule;
        if (out instanceof FileChannel file) {
            file.force(false);
        }
    }

    /** RFC 3533 §6: the page header, the lacing values, the data; then the checksum over all of it. Resets the page. */
    private ByteBuffer buildPage(int flags, long pageGranule) {
        int length = HEADER_BYTES + segments + pageDataLength;
        ByteBuffer page = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        page.put((byte) 'O').put((byte) 'g').put((byte) 'g').put((byte) 'S').put((byte) 0).put((byte) flags)
                .putLong(pageGranule).putInt(serial).putInt(sequence++).putInt(0).put((byte) segments)
                .put(lacing, 0, segments).put(pageData, 0, pageDataLength);
        page.putInt(22, OggCrc.crc(page.array(), 0, length));
        page.flip();
        pageDataLength = 0;
        segments = 0;
        pagePackets = 0;
        return page;
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /** The comment header padded with zeros to {@link #TAGS_PACKET_BYTES}, or null if the comments don't fit. */
    static byte[] tagsPacket(List<String> comments) {
        byte[] vendor = "Encore".getBytes(StandardCharsets.UTF_8);
        int length = 8 + 4 + vendor.length + 4;
        byte[][] encoded = new byte[comments.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = comments.get(i).getBytes(StandardCharsets.UTF_8);
            length += 4 + encoded[i].length;
        }
        if (length > TAGS_PACKET_BYTES) {
            return null;
        }
        ByteBuffer tags = ByteBuffer.allocate(TAGS_PACKET_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(encoded.length);
        for (byte[] c : encoded) {
            tags.putInt(c.length).put(c);
        }
        return tags.array();
    }
}
