package dev.encore.loadtest.janus;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.rtp.RtpPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain RTP (RFC 3550 §5.1) to a Janus streaming mountpoint's audio port: one Opus packet per 20 ms frame, payload type
 * {@link #PAYLOAD_TYPE}, timestamps at 48 kHz (RFC 7587 §4.1: 960 per 20 ms), a random SSRC and initial sequence number,
 * the marker bit on the first packet. No encryption: the mountpoint is an RTP one, bound to the loopback address.
 *
 * <p>Threads: {@link #send} is called by one thread at a time (the tone's pacing thread).
 */
final class RtpFeeder implements StampedTone.Sink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtpFeeder.class);
    static final int PAYLOAD_TYPE = 111;
    static final int TICKS_PER_FRAME = 960;

    private final DatagramChannel channel;
    private final InetSocketAddress target;
    private final long ssrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final ByteBuffer buffer = ByteBuffer.allocate(1500);
    private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
    private long timestamp = ThreadLocalRandom.current().nextLong(1L << 32);
    private boolean first = true;
    private long errors;

    RtpFeeder(InetSocketAddress target) throws IOException {
        this.target = requireNonNull(target, "target");
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("target: " + target + " (expected: an IP address and port)");
        }
        this.channel = DatagramChannel.open();
        this.channel.connect(target);
    }

    @Override
    public boolean send(byte[] opus, int len) {
        byte[] b = buffer.array();
        if (RtpPacket.FIXED_HEADER_LENGTH + len > b.length) {
            return false;
        }
        b[0] = (byte) 0x80; // V=2, no padding, no extension, no CSRC
        b[1] = 0;
        RtpPacket.setPayloadType(b, 0, PAYLOAD_TYPE);
        RtpPacket.setMarker(b, 0, first);
        RtpPacket.setSequenceNumber(b, 0, sequence);
        RtpPacket.setTimestamp(b, 0, timestamp);
        RtpPacket.setSsrc(b, 0, ssrc);
        System.arraycopy(opus, 0, b, RtpPacket.FIXED_HEADER_LENGTH, len);
        buffer.clear().limit(RtpPacket.FIXED_HEADER_LENGTH + len);
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + TICKS_PER_FRAME) & 0xFFFF_FFFFL;
        try {
            channel.write(buffer);
            return true;
        } catch (IOException e) {
            // ICMP port unreachable before Janus listens, and the like: the frame is lost, the clock goes on
            if (errors++ == 0) {
                LOG.warn("RTP to {} failed: {}", target, e.toString());
            }
            return false;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the RTP feeder failed", e);
        }
    }
}
