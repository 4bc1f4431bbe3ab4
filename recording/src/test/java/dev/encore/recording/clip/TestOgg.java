package dev.encore.recording.clip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A minimal Ogg Opus writer for tests (RFC 3533 pages, RFC 7845 headers), with control over how packets split into pages. */
final class TestOgg {
    /** The recorder's 20 ms stereo silence: CELT fullband TOC, then the bytes that set the silence flag. */
    static final byte[] SILENCE = {(byte) 0xFC, (byte) 0xFF, (byte) 0xFE};

    private TestOgg() {
    }

    static List<byte[]> silence(int count) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            packets.add(SILENCE.clone());
        }
        return packets;
    }

    /** A 20 ms CELT packet of {@code length} bytes whose payload bytes all equal {@code fill}. */
    static byte[] packet(int length, int fill) {
        byte[] p = new byte[length];
        Arrays.fill(p, (byte) fill);
        p[0] = (byte) 0xFC;
        return p;
    }

    static void write(Path file, int channels, int preSkip, List<byte[]> packets) throws IOException {
        Files.write(file, bytes(channels, preSkip, packets, 40));
    }

    /** The whole file; audio pages hold at most {@code segmentsPerPage} lacing values, so long packets span pages. */
    static byte[] bytes(int channels, int preSkip, List<byte[]> packets, int segmentsPerPage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] sequence = {0};
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) preSkip).putInt(48_000).putShort((short) 0).put((byte) 0);
        page(out, 2, 0, List.of(lacing(19)), head.array(), sequence);
        byte[] tags = "OpusTags\0\0\0\0\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        page(out, 0, 0, List.of(lacing(tags.length)), tags, sequence);

        List<Integer> segs = new ArrayList<>();
        List<Integer> endsPacket = new ArrayList<>(); // index of the packet a segment completes, or -1
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            int[] l = lacing(packets.get(i).length);
            for (int k = 0; k < l.length; k++) {
                segs.add(l[k]);
                endsPacket.add(k == l.length - 1 ? i : -1);
            }
            data.writeBytes(packets.get(i));
        }
        byte[] all = data.toByteArray();
        int pos = 0;
        long granule = 0;
        boolean continued = false;
        for (int s = 0; s < segs.size(); s += segmentsPerPage) {
            int n = Math.min(segmentsPerPage, segs.size() - s);
            int[] l = new int[n];
            int len = 0;
            long pageGranule = -1;
            for (int k = 0; k < n; k++) {
                l[k] = segs.get(s + k);
                len += l[k];
                if (endsPacket.get(s + k) >= 0) {
                    granule += OpusToc.samples(packets.get(endsPacket.get(s + k)));
                    pageGranule = granule;
                }
            }
            boolean last = s + n >= segs.size();
            page(out, (continued ? 1 : 0) | (last ? 4 : 0), pageGranule, List.of(l), Arrays.copyOfRange(all, pos, pos + len),
                    sequence);
            continued = l[n - 1] == 255;
            pos += len;
        }
        return out.toByteArray();
    }

    private static int[] lacing(int length) {
        int[] l = new int[length / 255 + 1];
        Arrays.fill(l, 255);
        l[l.length - 1] = length % 255;
        return l;
    }

    private static void page(ByteArrayOutputStream out, int flags, long granule, List<int[]> lacing, byte[] body,
            int[] sequence) {
        int[] l = lacing.get(0);
        ByteBuffer b = ByteBuffer.allocate(27 + l.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OggS".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granule)
                .putInt(0x1234).putInt(sequence[0]++).putInt(0).put((byte) l.length);
        for (int v : l) {
            b.put((byte) v);
        }
        b.put(body);
        byte[] page = b.array();
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc(page));
        out.writeBytes(page);
    }

    /** RFC 3533's CRC-32 (polynomial 0x04c11db7, MSB first, initial 0), bit by bit. */
    static int crc(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= (b & 0xFF) << 24;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
            }
        }
        return crc;
    }
}
