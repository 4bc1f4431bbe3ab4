package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.RtcpException;
import dev.encore.protocol.rtcp.RtcpPacket;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.IceCredentials;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebRTC publisher session (WHIP, RFC 9725) against an Encore server, without a thread of its own: a {@code sendonly}
 * Opus offer with our SSRC, POSTed to {@code {base}/whip/{show}} with the performer key (or any {@link SignalingTransport}),
 * then ICE, consent and DTLS-SRTP as {@link WebRtcSession} does them. {@link #send} wraps an Opus frame in RTP (the
 * answer's payload type, our SSRC, sequence number + 1, timestamp + 960 per 20 ms frame, RFC 7587 §4.1), protects it with
 * SRTP and sends it. Sender reports go out about every second; the server's receiver reports are read into
 * {@link #stats()}. {@link #close()} sends the WHIP DELETE.
 *
 * <p>Threads: all state is owned by one event loop of the runtime; {@link #send} may be called from any thread (the
 * payload is copied and sent on that loop, in call order).
 */
public final class WebRtcPublisher extends WebRtcSession<WebRtcPublisher> {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcPublisher.class);
    /** 20 ms at Opus's 48 kHz RTP clock (RFC 7587 §4.1). */
    public static final int TICKS_PER_FRAME = 960;
    /** The largest payload {@link #send} takes: an RTP packet with SRTP's tag must fit in 1500 bytes. */
    public static final int MAX_PAYLOAD = 1500 - RtpPacket.FIXED_HEADER_LENGTH - SrtpSession.MAX_OVERHEAD;

    private final PublisherConfig config;
    private final long ssrc;

    // Owned by the loop.
    private int nextSeq;
    private long nextTs;
    private long lastTs;
    private long lastSendNanos = -1;
    private long packetsSent;
    private long bytesSent;
    private byte[] lastProtected;
    private ScheduledFuture<?> reportTimer;
    private long senderReports;
    private long receiverReports;
    private long lastSrMiddle;
    private double fractionLost = Double.NaN;
    private long cumulativeLost;
    private long highestSequence = -1;
    private double jitterMillis = Double.NaN;
    private double rttMillis = Double.NaN;

    private WebRtcPublisher(ClientRuntime runtime, PublisherConfig config, SignalingTransport signaling) {
        super(runtime, signaling, config.iceTimeout(), config.dtlsTimeout(), config.consentInterval(), config.consentTimeout());
        this.config = config;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.ssrc = random.nextLong(1, 1L << 32);
        this.nextSeq = random.nextInt(0x10000);
        this.nextTs = random.nextLong(1L << 32);
    }

    /** A session that has not started: call {@link #connect()}. Signals over WHIP to {@code config.base()}. */
    public static WebRtcPublisher create(ClientRuntime runtime, PublisherConfig config) {
        requireNonNull(config, "config");
        return new WebRtcPublisher(runtime, config, SignalingTransport.whip(runtime, config.base(), config.showId(), config.key()));
    }

    /** A session that signals through {@code signaling} (e.g. straight into a server's WHIP service). */
    public static WebRtcPublisher create(ClientRuntime runtime, PublisherConfig config, SignalingTransport signaling) {
        requireNonNull(config, "config");
        return new WebRtcPublisher(runtime, config, signaling);
    }

    @Override
    WebRtcPublisher self() {
        return this;
    }

    public PublisherConfig config() {
        return config;
    }

    /** Our RTP SSRC, as the offer announced it. */
    public long ssrc() {
        return ssrc;
    }

    public PhaseTimings timings() {
        return new PhaseTimings(startNanos, httpDoneNanos, answeredNanos, iceNanos, dtlsNanos, -1);
    }

    /** A snapshot of the statistics (taken on the owning loop). */
    public PublisherStats stats() {
        return call(() -> new PublisherStats(packetsSent, bytesSent, senderReports, receiverReports, fractionLost, cumulativeLost,
                highestSequence, jitterMillis, rttMillis, dropCounts()));
    }

    /**
     * Sends one 20 ms Opus frame: the next sequence number, the timestamp 960 ticks on. False (and nothing sent) unless the
     * session is connected. Any thread; the payload is copied.
     *
     * @throws IllegalArgumentException for a payload longer than {@link #MAX_PAYLOAD}
     */
    public boolean send(byte[] opus, int off, int len) {
        byte[] copy = copy(opus, off, len);
        if (state != State.CONNECTED) {
            return false;
        }
        return onLoop(() -> {
            int seq = nextSeq;
            long ts = nextTs;
            nextSeq = (nextSeq + 1) & 0xFFFF;
            nextTs = (nextTs + TICKS_PER_FRAME) & 0xFFFFFFFFL;
            sendNow(seq, ts, copy);
        });
    }

    /**
     * Sends one Opus packet with the sequence number and timestamp given (to test loss, reordering or a restart); the
     * numbering of {@link #send(byte[], int, int)} is not affected. False unless connected. Any thread.
     */
    public boolean send(int sequence, long timestamp, byte[] opus, int off, int len) {
        byte[] copy = copy(opus, off, len);
        if (state != State.CONNECTED) {
            return false;
        }
        return onLoop(() -> sendNow(sequence & 0xFFFF, timestamp & 0xFFFFFFFFL, copy));
    }

    /** Sends the last SRTP packet again, byte for byte: a replay (RFC 3711 §3.3.2), to test the server's protection. */
    public boolean replayLast() {
        return onLoop(() -> {
            if (state == State.CONNECTED && lastProtected != null) {
                send(lastProtected, lastProtected.length);
            }
        });
    }

    private static byte[] copy(byte[] opus, int off, int len) {
        requireNonNull(opus, "opus");
        if (off < 0 || len < 0 || off + len > opus.length) {
            throw new IndexOutOfBoundsException("off: " + off + ", len: " + len + " (expected: within " + opus.length + " bytes)");
        }
        if (len > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload: " + len + " bytes (expected: at most " + MAX_PAYLOAD + ")");
        }
        return Arrays.copyOfRange(opus, off, off + len);
    }

    private void sendNow(int seq, long ts, byte[] payload) {
        if (state != State.CONNECTED) {
            return;
        }
        int n = RtpPacket.write(tx, 0, answer.opusPayloadType(), false, seq, ts, ssrc, payload, 0, payload.length);
        n = srtp.protectRtp(tx, 0, n);
        if (n < 0) {
            LOG.debug("publisher {}: sequence number {} was already sent; not sent again", id, seq);
            return;
        }
        lastProtected = Arrays.copyOf(tx, n);
        send(tx, n);
        packetsSent++;
        bytesSent += payload.length;
        lastTs = ts;
        lastSendNanos = runtime.nanoTime();
    }

    // ---- the session's hooks ----

    @Override
    LocalMedia localMedia(IceCredentials ice) {
        return new LocalMedia(ice, runtime.identity().fingerprint(), null, 0, Direction.SENDONLY, ssrc,
                "encore-publisher-" + id, "encore-publisher-" + id, config.stereo(), 0);
    }

    @Override
    void onSrtpReady() {
        scheduleReport();
    }

    @Override
    void onRelease() {
        cancel(reportTimer);
    }

    @Override
    void onSrtp(int len, long now) {
        drop(DropReason.UNEXPECTED_RTP);
    }

    /** The server's receiver reports about our stream (RFC 3550 §6.4.1): loss, jitter, and RTT from LSR/DLSR. */
    @Override
    void onSrtcp(int len, long now) {
        int n = srtp.unprotectRtcp(rx, 0, len);
        if (n < 0) {
            drop(unprotectFailure(n));
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpCodec.parse(rx, 0, n);
        } catch (RtcpException e) {
            drop(DropReason.RTCP_INVALID);
            return;
        }
        for (RtcpPacket p : packets) {
            List<ReportBlock> blocks = p instanceof ReceiverReport rr ? rr.reports()
                    : p instanceof SenderReport sr ? sr.reports() : List.of();
            for (ReportBlock block : blocks) {
                if (block.ssrc() == ssrc) {
                    onReport(block);
                }
            }
        }
    }

    private void onReport(ReportBlock block) {
        receiverReports++;
        fractionLost = block.fractionLost() / 256.0;
        cumulativeLost = block.cumulativeLost();
        highestSequence = block.highestSequence();
        jitterMillis = block.jitter() * 1000.0 / 48_000;
        if (block.lastSr() != 0 && block.lastSr() == lastSrMiddle) {
            long arrival = RtcpCodec.middle32(RtcpCodec.ntpTimestamp(System.currentTimeMillis()));
            long rtt = (arrival - block.lastSr() - block.delaySinceLastSr()) & 0xFFFFFFFFL;
            if (rtt < 0x8000_0000L) {
                rttMillis = rtt * 1000.0 / 65536;
            }
        }
    }

    // ---- RTCP sender reports (RFC 3550 §6.4.1), about every second (randomized 0.5–1.5, §6.3.5) ----

    private void scheduleReport() {
        long interval = config.reportInterval().toNanos();
        long delay = (long) (interval * ThreadLocalRandom.current().nextDouble(0.5, 1.5));
        reportTimer = loop.schedule(this::sendReport, delay, TimeUnit.NANOSECONDS);
    }

    private void sendReport() {
        if (state != State.CONNECTED) {
            return;
        }
        try {
            if (packetsSent > 0) {
                long now = runtime.nanoTime();
                long ntp = RtcpCodec.ntpTimestamp(System.currentTimeMillis());
                long rtpTs = (lastTs + (now - lastSendNanos) * 48_000 / 1_000_000_000L) & 0xFFFFFFFFL;
                SenderReport sr = new SenderReport(ssrc, ntp, rtpTs, packetsSent & 0xFFFFFFFFL, bytesSent & 0xFFFFFFFFL, List.of());
                int n = RtcpCodec.write(List.of(sr), tx, 0);
                n = srtp.protectRtcp(tx, 0, n);
                send(tx, n);
                lastSrMiddle = RtcpCodec.middle32(ntp);
                senderReports++;
            }
        } catch (RuntimeException e) {
            LOG.warn("publisher {}: cannot send a sender report", id, e);
        }
        scheduleReport();
    }

    @Override
    public String toString() {
        return "WebRtcPublisher[" + id + ", " + state + ", " + remote + "]";
    }
}
