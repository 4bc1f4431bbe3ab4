package dev.encore.recording;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an Ogg Opus file (https://www.rfc-editor.org/rfc/rfc7845) of one logical stream, such as a recording, back into
 * its headers, pages and Opus packets, checking every page's CRC (https://www.rfc-editor.org/rfc/rfc3533#section-6). For
 * tests and for cutting a span out of a recording without decoding it. Reading stops at the first page that is cut short
 * or damaged (what a crash leaves at the end of a file): everything before it is returned and {@link Stream#complete()}
 * says whether the stream ended with its EOS page. Stateless.
 */
public final class OggOpusReader {

    /** One page's header: where it starts, its flags (1 continued, 2 BOS, 4 EOS), granule position, sequence number. */
    public record Page(long offset, int flags, long granule, int serial, int sequence, int segments, int length) {
    }

    /** An audio packet and the stream sample (48 kHz, pre-skip included) at which its audio starts. */
    public record Packet(byte[] data, long startSample, int samples) {
    }

    /**
     * @param damage why reading stopped before the end of the file, or null if every byte was read as whole pages
     */
    public record Stream(int channels, int preSkip, long inputSampleRate, String vendor, List<String> comments, List<Page> pages,
            List<Packet> packets, boolean complete, String damage) {

        /** The playable length in 48 kHz samples, by the last page's granule position minus the pre-skip. */
        public long playableSamples() {
            return pages.isEmpty() ? 0 : Math.max(0, pages.get(pages.size() - 1).granule() - preSkip);
        }
    }

    private OggOpusReader() {
    }

    public static Stream read(Path file) throws IOException {
        return read(Files.readAllBytes(requireNonNull(file, "file")));
    }

    /**
     * @throws IOException when the file does not start with an Opus ID header and a comment header
     */
    public static Stream read(byte[] file) throws IOException {
        requireNonNull(file, "file");
        List<Page> pages = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        byte[] partial = new byte[0];
        String damage = null;
        int pos = 0;
        while (pos < file.length) {
            if (file.length - pos < 27) {
                damage = "a page header cut short at byte " + pos;
                break;
            }
            if (file[pos] != 'O' || file[pos + 1] != 'g' || file[pos + 2] != 'g' || file[pos + 3] != 'S' || file[pos + 4] != 0) {
                damage = "no capture pattern at byte " + pos;
                break;
            }
            ByteBuffer header = ByteBuffer.wrap(file, pos, 27).order(ByteOrder.LITTLE_ENDIAN);
            int flags = file[pos + 5] & 0xFF;
            long granule = header.getLong(pos + 6);
            int serial = header.getInt(pos + 14);
            int sequence = header.getInt(pos + 18);
            int crc = header.getInt(pos + 22);
            int segments = file[pos + 26] & 0xFF;
            if (file.length - pos < 27 + segments) {
                damage = "a segment table cut short at byte " + pos;
                break;
            }
            int dataLength = 0;
            for (int i = 0; i < segments; i++) {
                dataLength += file[pos + 27 + i] & 0xFF;
            }
            int length = 27 + segments + dataLength;
            if (file.length - pos < length) {
                damage = "a page cut short at byte " + pos;
                break;
            }
            byte[] copy = Arrays.copyOfRange(file, pos, pos + length);
            copy[22] = 0;
            copy[23] = 0;
            copy[24] = 0;
            copy[25] = 0;
            if (OggCrc.crc(copy, 0, length) != crc) {
                damage = "a bad checksum on the page at byte " + pos;
                break;
            }
            pages.add(new Page(pos, flags, granule, serial, sequence, segments, length));
            int data = pos + 27 + segments;
            int start = data;
            for (int i = 0; i < segments; i++) {
                int lace = file[pos + 27 + i] & 0xFF;
                data += lace;
                if (lace < 255) {
                    raw.add(concat(partial, file, start, data - start));
                    partial = new byte[0];
                    start = data;
                }
            }
            if (start < data) {
                partial = concat(partial, file, start, data - start);
            }
            pos += length;
        }
        if (raw.size() < 2 || !startsWith(raw.get(0), "OpusHead") || raw.get(0).length < 19 || !startsWith(raw.get(1), "OpusTags")) {
            throw new IOException("no Opus headers" + (damage == null ? "" : " (" + damage + ")")
                    + " (expected: an OpusHead packet, then an OpusTags packet)");
        }
        ByteBuffer head = ByteBuffer.wrap(raw.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        int channels = head.get(9) & 0xFF;
        int preSkip = head.getShort(10) & 0xFFFF;
        long rate = head.getInt(12) & 0xFFFFFFFFL;
        ByteBuffer tags = ByteBuffer.wrap(raw.get(1)).order(ByteOrder.LITTLE_ENDIAN);
        tags.position(8);
        String vendor = string(tags);
        int count = tags.getInt();
        List<String> comments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            comments.add(string(tags));
        }
        List<Packet> packets = new ArrayList<>();
        long sample = 0;
        for (byte[] p : raw.subList(2, raw.size())) {
            int samples = OpusPacket.samples(p, 0, p.length);
            packets.add(new Packet(p, sample, samples));
            sample += Math.max(0, samples);
        }
        boolean complete = !pages.isEmpty() && (pages.get(pages.size() - 1).flags() & OggOpusWriter.FLAG_EOS) != 0;
        return new Stream(channels, preSkip, rate, vendor, List.copyOf(comments), List.copyOf(pages), List.copyOf(packets), complete,
                damage);
    }

    private static String string(ByteBuffer buf) {
        int length = buf.getInt();
        String s = new String(buf.array(), buf.position(), length, StandardCharsets.UTF_8);
        buf.position(buf.position() + length);
        return s;
    }

    private static boolean startsWith(byte[] packet, String magic) {
        return packet.length >= magic.length()
                && new String(packet, 0, magic.length(), StandardCharsets.US_ASCII).equals(magic);
    }

    private static byte[] concat(byte[] head, byte[] buf, int off, int len) {
        byte[] out = Arrays.copyOf(head, head.length + len);
        System.arraycopy(buf, off, out, head.length, len);
        return out;
    }
}
