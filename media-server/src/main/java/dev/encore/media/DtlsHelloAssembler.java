package dev.encore.media;

import java.util.BitSet;

/**
 * Reassembles a ClientHello that arrives in several handshake fragments (RFC 6347 §4.2.3) into one unfragmented record,
 * so the stateless cookie gate, which only reads a whole ClientHello from one record, can check it.
 *
 * <p>Browsers now send such hellos: Chromium offers DTLS 1.3 with a post-quantum key share (X25519MLKEM768), which makes
 * its ClientHello about 1.4 KB, more than its DTLS MTU, so it comes in two records and two datagrams. This keeps state, but
 * only for a session whose peer already passed an authenticated ICE check, and at most {@link #MAX_HELLO} bytes of it.
 *
 * <pre>
 * record:    type(1)=22 | version(2) | epoch(2)=0 | sequence(6) | length(2)
 * handshake: msg_type(1)=1 | length(3) | message_seq(2) | fragment_offset(3) | fragment_length(3) | fragment
 * </pre>
 *
 * <p>Thread: datagrams of one session may arrive on more than one event loop; {@link #offer} is synchronized.
 */
final class DtlsHelloAssembler {
    static final int RECORD_HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int MAX_HELLO = 8192;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;

    /** What {@link #offer} made of a datagram. */
    enum Result {
        /** Not a fragment of a ClientHello (or an unfragmented one): pass the datagram on unchanged. */
        PASS,
        /** A fragment was kept; the hello is not complete yet. */
        PENDING,
        /** The hello is complete: {@link #assembled()} holds it as one record. */
        COMPLETE
    }

    private byte[] body;
    private final BitSet covered = new BitSet();
    private int messageSeq = -1;
    private int versionHi;
    private int versionLo;
    private long recordSeq;
    private byte[] assembled;

    /** Takes a datagram from the peer. */
    synchronized Result offer(byte[] d, int len) {
        assembled = null;
        boolean kept = false;
        int off = 0;
        while (off + RECORD_HEADER <= len) {
            int type = d[off] & 0xFF;
            int epoch = u16(d, off + 3);
            int recordLength = u16(d, off + 11);
            int hs = off + RECORD_HEADER;
            if (hs + recordLength > len) {
                break;
            }
            if (type == CONTENT_HANDSHAKE && epoch == 0 && recordLength >= HANDSHAKE_HEADER && (d[hs] & 0xFF) == CLIENT_HELLO) {
                int msgLength = u24(d, hs + 1);
                int msgSeq = u16(d, hs + 4);
                int fragOff = u24(d, hs + 6);
                int fragLen = u24(d, hs + 9);
                boolean whole = fragOff == 0 && fragLen == msgLength;
                if (whole || msgLength > MAX_HELLO || fragLen > recordLength - HANDSHAKE_HEADER || fragOff + fragLen > msgLength) {
                    return kept ? Result.PENDING : Result.PASS;
                }
                if (body == null || msgSeq != messageSeq || body.length != msgLength) {
                    body = new byte[msgLength];
                    covered.clear();
                    messageSeq = msgSeq;
                }
                System.arraycopy(d, hs + HANDSHAKE_HEADER, body, fragOff, fragLen);
                covered.set(fragOff, fragOff + fragLen);
                versionHi = d[off + 1] & 0xFF;
                versionLo = d[off + 2] & 0xFF;
                recordSeq = u48(d, off + 5);
                kept = true;
                if (covered.nextClearBit(0) >= msgLength) {
                    assembled = record();
                    body = null;
                    covered.clear();
                    return Result.COMPLETE;
                }
            }
            off = hs + recordLength;
        }
        return kept ? Result.PENDING : Result.PASS;
    }

    /**
     * Whether {@code d[0, len)} is one DTLS 1.x record, epoch 0, holding one whole ClientHello (RFC 6347 §4.1 and §4.2.2):
     * what a first flight is, unfragmented or as {@link #assembled()} makes it.
     */
    static boolean isWholeHello(byte[] d, int len) {
        if (len < RECORD_HEADER + HANDSHAKE_HEADER || d[0] != CONTENT_HANDSHAKE || d[1] != (byte) 0xFE || u16(d, 3) != 0) {
            return false;
        }
        int recordLength = u16(d, 11);
        int hs = RECORD_HEADER;
        int msgLength = u24(d, hs + 1);
        return d[hs] == CLIENT_HELLO && recordLength <= len - RECORD_HEADER && recordLength >= HANDSHAKE_HEADER + msgLength
                && u24(d, hs + 6) == 0 && u24(d, hs + 9) == msgLength;
    }

    /** The complete hello as one unfragmented record, after {@link #offer} returned {@link Result#COMPLETE}. */
    synchronized byte[] assembled() {
        return assembled;
    }

    private byte[] record() {
        int n = body.length;
        byte[] r = new byte[RECORD_HEADER + HANDSHAKE_HEADER + n];
        r[0] = CONTENT_HANDSHAKE;
        r[1] = (byte) versionHi;
        r[2] = (byte) versionLo;
        for (int i = 0; i < 6; i++) {
            r[5 + i] = (byte) (recordSeq >>> (8 * (5 - i)));
        }
        putU16(r, 11, HANDSHAKE_HEADER + n);
        int hs = RECORD_HEADER;
        r[hs] = CLIENT_HELLO;
        putU24(r, hs + 1, n);
        putU16(r, hs + 4, messageSeq);
        putU24(r, hs + 6, 0);
        putU24(r, hs + 9, n);
        System.arraycopy(body, 0, r, hs + HANDSHAKE_HEADER, n);
        return r;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static int u24(byte[] b, int i) {
        return ((b[i] & 0xFF) << 16) | ((b[i + 1] & 0xFF) << 8) | (b[i + 2] & 0xFF);
    }

    private static long u48(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 6; k++) {
            v = (v << 8) | (b[i + k] & 0xFF);
        }
        return v;
    }

    private static void putU16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static void putU24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }
}
