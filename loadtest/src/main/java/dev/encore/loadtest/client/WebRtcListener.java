package dev.encore.loadtest.client;

import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.ReportBlock;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.RtcpException;
import dev.encore.protocol.rtcp.RtcpPacket;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.stun.IceCredentials;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebRTC listener session against an Encore server, without a thread of its own: WHEP offer/answer (over the
 * runtime's HTTP client, or any {@link SignalingTransport}), then ICE, consent and DTLS-SRTP as {@link WebRtcSession} does
 * them, SRTP authentication of every packet (RFC 3711), RTCP receiver reports (RFC 3550 §6.4.2) and optional Opus
 * decoding.
 *
 * <p>The media end of the packet path: SRTP (unprotect, stats, decode, callback) / SRTCP (unprotect, read SR). Anything
 * the server sends that does not fit is dropped and counted by {@link DropReason}; nothing is thrown.
 *
 * <p>Threads: all state is owned by one event loop of the runtime (see {@link WebRtcSession}).
 */
public final class WebRtcListener extends WebRtcSession<WebRtcListener> {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcListener.class);
    /** Losses longer than this are not concealed frame by frame. */
    private static final int MAX_CONCEALED_RUN = 5;

    private final ListenerConfig config;
    private final long ssrc;
    private final CompletableFuture<WebRtcListener> firstPacket = new CompletableFuture<>();
    private final PcmRing pcm;
    private volatile long firstPacketNanos = -1;
    // Written on the loop per packet, read by the load tool's sampler once a second without a hop onto the loop.
    private volatile long liveUnique;
    private volatile long liveExpected;

    // Owned by the loop.
    private final ReceptionStats reception = new ReceptionStats(48_000);
    private ScheduledFuture<?> reportTimer;
    private long remoteSsrc = -1;
    private long lastSrMiddle;
    private long lastSrNanos = -1;
    private long senderReports;
    private long receiverReports;
    private PcmDecoder decoder;
    private short[] pcmBuffer;
    /** Written by the runtime's decode thread only (see {@link #decode}); read by anyone. */
    private volatile long decodedFrames;
    private volatile long concealedFrames;
    private volatile long decodeErrors;

    private WebRtcListener(ClientRuntime runtime, ListenerConfig config, SignalingTransport signaling) {
        super(runtime, signaling, config.iceTimeout(), config.dtlsTimeout(), config.consentInterval(), config.consentTimeout());
        this.config = config;
        this.ssrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        if (config.decode()) {
            int channels = config.stereo() ? 2 : 1;
            long samples = config.keepPcm().toMillis() * 48L * channels;
            this.pcm = new PcmRing((int) Math.min(Integer.MAX_VALUE - 8, samples), channels);
        } else {
            this.pcm = null;
        }
    }

    /** A session that has not started: call {@link #connect()}. Signals over WHEP to {@code config.base()}. */
    public static WebRtcListener create(ClientRuntime runtime, ListenerConfig config) {
        java.util.Objects.requireNonNull(config, "config");
        return new WebRtcListener(runtime, config, SignalingTransport.whep(runtime, config.base(), config.showId(), config.token()));
    }

    /** A session that signals through {@code signaling} (e.g. in process) instead of WHEP over HTTP. */
    public static WebRtcListener create(ClientRuntime runtime, ListenerConfig config, SignalingTransport signaling) {
        java.util.Objects.requireNonNull(config, "config");
        return new WebRtcListener(runtime, config, signaling);
    }

    @Override
    WebRtcListener self() {
        return this;
    }

    /** Completes at the first authenticated RTP packet. */
    public CompletableFuture<WebRtcListener> firstPacket() {
        return firstPacket;
    }

    public ListenerConfig config() {
        return config;
    }

    /** The decoded PCM kept (when decoding was asked for), else null. */
    public PcmRing pcm() {
        return pcm;
    }

    public PhaseTimings timings() {
        return new PhaseTimings(startNanos, httpDoneNanos, answeredNanos, iceNanos, dtlsNanos, firstPacketNanos);
    }

    /** Authenticated packets received once so far; readable from any thread without a hop (a racy but cheap read). */
    public long receivedSoFar() {
        return liveUnique;
    }

    /** The sequence span seen so far (RFC 3550 A.3 expected); readable from any thread without a hop. */
    public long expectedSoFar() {
        return liveExpected;
    }

    /** A snapshot of the statistics (taken on the owning loop). */
    public ListenerStats stats() {
        return call(this::snapshot);
    }

    // ---- the session's hooks ----

    @Override
    LocalMedia localMedia(IceCredentials ice) {
        return new LocalMedia(ice, runtime.identity().fingerprint(), null, 0, Direction.RECVONLY, ssrc,
                "encore-listener-" + id, "encore-listener-" + id, config.stereo(), 0);
    }

    @Override
    boolean onAnswerParsed(AudioAnswer parsed) {
        remoteSsrc = parsed.remoteSsrc();
        return true;
    }

    @Override
    void onSrtpReady() {
        if (config.decode()) {
            decoder = new PcmDecoder(config.stereo());
            pcmBuffer = decoder.newBuffer();
        }
        scheduleReport();
    }

    @Override
    void onRelease() {
        cancel(reportTimer);
    }

    @Override
    void onClosedOrFailed(ListenerException why) {
        firstPacket.completeExceptionally(why);
    }

    // ---- the packet path: media ----

    @Override
    void onSrtp(int len, long now) {
        int n = srtp.unprotectRtp(rx, 0, len);
        if (n < 0) {
            drop(unprotectFailure(n));
            return;
        }
        if (!RtpPacket.isValid(rx, 0, n)) {
            drop(DropReason.RTP_INVALID);
            return;
        }
        if (RtpPacket.payloadType(rx, 0) != answer.opusPayloadType()) {
            drop(DropReason.PAYLOAD_TYPE);
            return;
        }
        int seq = RtpPacket.sequenceNumber(rx, 0);
        long timestamp = RtpPacket.timestamp(rx, 0);
        long packetSsrc = RtpPacket.ssrc(rx, 0);
        int headerLength = RtpPacket.headerLength(rx, 0, n);
        int payloadLength = RtpPacket.payloadLength(rx, 0, n);
        ReceptionStats.Arrival arrival = reception.onPacket(seq, timestamp, payloadLength, now);
        if (arrival == ReceptionStats.Arrival.JUMP) {
            drop(DropReason.SEQUENCE_JUMP);
            return;
        }
        remoteSsrc = packetSsrc;
        liveUnique = reception.unique();
        liveExpected = reception.expected();
        if (firstPacketNanos < 0) {
            firstPacketNanos = now;
            firstPacket.complete(this);
        }
        if (decoder != null) {
            decode(arrival, headerLength, payloadLength);
        }
        RtpPacketListener listener = config.packetListener();
        if (listener != null) {
            try {
                listener.onRtp(this, packetSsrc, seq, timestamp, rx, headerLength, payloadLength, now);
            } catch (RuntimeException e) {
                LOG.warn("listener {}: the packet callback threw", id, e);
            }
        }
    }

    /**
     * Hands the packet's Opus payload to the runtime's decode thread, with the frames missing before it (to conceal). On the
     * loop, concentus took a fifth of the tool's media loops in a 2,000-listener storm and delayed every other listener's
     * packets behind the sampled ones'.
     */
    private void decode(ReceptionStats.Arrival arrival, int off, int len) {
        if (arrival == ReceptionStats.Arrival.DUPLICATE || arrival == ReceptionStats.Arrival.REORDERED) {
            return; // too late to play
        }
        long gap = arrival == ReceptionStats.Arrival.IN_ORDER ? Math.min(reception.lastGap(), MAX_CONCEALED_RUN) : 0;
        byte[] payload = Arrays.copyOfRange(rx, off, off + len);
        PcmDecoder d = decoder;
        short[] out = pcmBuffer;
        runtime.decodeExecutor().execute(() -> decode(d, out, gap, payload));
    }

    /** On the decode thread: conceals {@code gap} frames, then decodes {@code payload} into the PCM ring. */
    private void decode(PcmDecoder d, short[] out, long gap, byte[] payload) {
        try {
            for (int i = 0; i < gap; i++) {
                int samples = d.conceal(out);
                pcm.write(out, samples * d.channels());
                concealedFrames++;
            }
            int samples = d.decode(payload, 0, payload.length, out);
            pcm.write(out, samples * d.channels());
            decodedFrames++;
        } catch (Exception e) {
            decodeErrors++;
        }
    }

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
            if (p instanceof SenderReport sr) {
                lastSrMiddle = RtcpCodec.middle32(sr.ntpTimestamp());
                lastSrNanos = now;
                senderReports++;
            }
        }
    }

    // ---- RTCP receiver reports (RFC 3550 §6.4.2), about every second (randomized 0.5–1.5, §6.3.5) ----

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
            ReceiverReport rr = new ReceiverReport(ssrc, reception.started() ? List.of(reportBlock(runtime.nanoTime())) : List.of());
            int n = RtcpCodec.write(List.of(rr), tx, 0);
            n = srtp.protectRtcp(tx, 0, n);
            send(tx, n);
            receiverReports++;
        } catch (RuntimeException e) {
            LOG.warn("listener {}: cannot send a receiver report", id, e);
        }
        scheduleReport();
    }

    ReportBlock reportBlock(long now) {
        int[] loss = reception.nextReportLoss();
        long dlsr = lastSrNanos < 0 ? 0 : delaySinceLastSr(now - lastSrNanos);
        return new ReportBlock(remoteSsrc, loss[0], loss[1], reception.extendedHighest(), reception.jitter(),
                lastSrNanos < 0 ? 0 : lastSrMiddle, dlsr);
    }

    private ListenerStats snapshot() {
        return new ListenerStats(reception.unique(), reception.bytes(), reception.expected(), reception.lost(),
                reception.duplicates(), reception.reordered(), reception.jitter(), reception.jitterMillis(), decodedFrames,
                concealedFrames, decodeErrors, senderReports, receiverReports, rttMicros, dropCounts());
    }

    @Override
    public String toString() {
        return "WebRtcListener[" + id + ", " + state + ", " + remote + "]";
    }
}
