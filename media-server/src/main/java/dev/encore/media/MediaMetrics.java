package dev.encore.media;

import dev.encore.protocol.demux.PacketKind;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The media server's Prometheus metrics. Counters are lock-free and may be bumped from any thread; label data points are
 * looked up once and cached so the packet path does no map lookups.
 *
 * <p>Server-added delay (a packet's arrival at the router to its last copy written, in microseconds) is recorded into an
 * HdrHistogram {@link Recorder} without stalls; each scrape takes the interval since the previous one.
 *
 * <p>Time to first audio (a WHEP session's creation to its first packet written) is a Prometheus histogram per show,
 * {@code encore_time_to_first_audio_seconds}, observed once per listener.
 */
final class MediaMetrics {
    static final long MAX_DELAY_MICROS = 10_000_000L;
    /** Bucket bounds of time to first audio: a join on loopback takes tens of ms, a queued DTLS handshake seconds. */
    static final double[] TTFA_BOUNDS_SECONDS = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30};
    /** Bucket bounds of a handshake's parts: its CPU is about a millisecond, a wait for the peer or a turn up to seconds. */
    static final double[] DTLS_BOUNDS_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<DropReason, CounterDataPoint> drops = new EnumMap<>(DropReason.class);
    private final Map<PacketKind, CounterDataPoint> datagramsByKind = new EnumMap<>(PacketKind.class);
    private final Counter packetsIn;
    private final Counter bytesIn;
    private final Counter packetsOut;
    private final Counter bytesOut;
    private final io.prometheus.metrics.core.metrics.Histogram timeToFirstAudio;
    /** Where completed handshakes spent their time, by part: see {@link dev.encore.protocol.dtls.DtlsEndpoint.Trace}. */
    private final DistributionDataPoint[] dtlsParts = new DistributionDataPoint[5];
    private final Counter dtlsFailures;
    private final CounterDataPoint dtlsHandshakes;
    private final CounterDataPoint helloVerifySent;
    private final CounterDataPoint stunAnswered;
    private final CounterDataPoint consentExpiries;
    private final CounterDataPoint setupTimeouts;
    private final CounterDataPoint whipCreated;
    private final CounterDataPoint whipReplaced;
    private final Recorder delayRecorder = new Recorder(MAX_DELAY_MICROS, 3);
    private final Histogram delayTotal = new Histogram(MAX_DELAY_MICROS, 3);
    private Histogram delayInterval;

    MediaMetrics(Supplier<Collection<ShowRouter>> routers) {
        Counter dropped = Counter.builder().name("encore_dropped_packets")
                .help("Datagrams dropped without an answer, by reason").labelNames("reason").register(registry);
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, dropped.labelValues(reason.label()));
        }
        Counter datagramsIn = Counter.builder().name("encore_media_datagrams_received")
                .help("Datagrams received on the media port, by RFC 7983 kind").labelNames("kind").register(registry);
        for (PacketKind kind : PacketKind.values()) {
            datagramsByKind.put(kind, datagramsIn.labelValues(kind.name().toLowerCase(Locale.ROOT)));
        }
        packetsIn = Counter.builder().name("encore_media_packets_in")
                .help("Performer RTP packets accepted by a show's router").labelNames("show").register(registry);
        bytesIn = Counter.builder().name("encore_media_bytes_in")
                .help("Performer RTP bytes accepted by a show's router").labelNames("show").register(registry);
        packetsOut = Counter.builder().name("encore_media_packets_out")
                .help("SRTP packets written to listeners").labelNames("show").register(registry);
        bytesOut = Counter.builder().name("encore_media_bytes_out")
                .help("SRTP bytes written to listeners").labelNames("show").register(registry);
        timeToFirstAudio = io.prometheus.metrics.core.metrics.Histogram.builder().name("encore_time_to_first_audio_seconds")
                .help("WHEP listener sessions: from the offer to the first audio packet written to the listener")
                .labelNames("show").classicOnly().classicUpperBounds(TTFA_BOUNDS_SECONDS).register(registry);
        dtlsHandshakes = Counter.builder().name("encore_media_dtls_handshakes")
                .help("DTLS-SRTP handshakes completed").register(registry);
        io.prometheus.metrics.core.metrics.Histogram parts = io.prometheus.metrics.core.metrics.Histogram.builder()
                .name("encore_media_dtls_handshake_seconds")
                .help("Completed DTLS handshakes: time from the admitted ClientHello to the last flight, by part (total, "
                        + "thread_wait for a handshake thread, turn_wait for a CPU turn, computing while holding one, "
                        + "peer_wait for the client's flights)")
                .labelNames("part").classicOnly().classicUpperBounds(DTLS_BOUNDS_SECONDS).register(registry);
        String[] partNames = {"total", "thread_wait", "turn_wait", "computing", "peer_wait"};
        for (int i = 0; i < partNames.length; i++) {
            dtlsParts[i] = parts.labelValues(partNames[i]);
        }
        dtlsFailures = Counter.builder().name("encore_media_dtls_failures")
                .help("DTLS-SRTP handshakes failed, by reason").labelNames("reason").register(registry);
        helloVerifySent = Counter.builder().name("encore_media_dtls_hello_verify")
                .help("HelloVerifyRequests sent (RFC 6347 cookie exchange)").register(registry);
        stunAnswered = Counter.builder().name("encore_media_stun_checks_answered")
                .help("Authenticated ICE connectivity checks answered").register(registry);
        consentExpiries = Counter.builder().name("encore_media_consent_expiries")
                .help("Listeners removed after 30 s without a valid consent check (RFC 7675)").register(registry);
        setupTimeouts = Counter.builder().name("encore_media_setup_timeouts")
                .help("Sessions removed because ICE and DTLS did not complete in time").register(registry);
        whipCreated = Counter.builder().name("encore_media_whip_sessions_opened")
                .help("WHIP publisher sessions created").register(registry);
        whipReplaced = Counter.builder().name("encore_media_whip_sessions_replaced")
                .help("WHIP publisher sessions closed because a newer publisher of the same show connected").register(registry);
        GaugeWithCallback.builder().name("encore_media_performer_online")
                .help("1 while a show's performer packets arrive (within the last second), else 0").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        cb.call(r.performerOnline() ? 1 : 0, r.showId());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_publisher_sessions")
                .help("WHIP publisher sessions open per show (connecting, or connected and not replaced)").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        cb.call(r.publisherSessions(), r.showId());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_performer_loss_ratio")
                .help("Fraction of the performer's packets lost on the way in over the last ~2 s (RFC 3550 A.3)")
                .labelNames("show").callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        cb.call(r.status().performerLoss(), r.showId());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_performer_jitter_seconds")
                .help("Interarrival jitter of the performer's stream (RFC 3550 A.8)").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        cb.call(r.status().performerJitterMs() / 1000, r.showId());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_listeners").help("Connected listeners per show").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        cb.call(r.consumerCount(), r.showId());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_listener_loss_ratio")
                .help("Mean fraction lost over a show's listeners, from their last receiver reports").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        mean(r.consumerStats(), Consumer.ConsumerStats::fractionLost).ifPresent(v -> cb.call(v, r.showId()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_listener_jitter_seconds")
                .help("Mean interarrival jitter over a show's listeners, from their last receiver reports").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        mean(r.consumerStats(), s -> s.jitterMillis() / 1000).ifPresent(v -> cb.call(v, r.showId()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_listener_rtt_seconds")
                .help("Mean round-trip time over a show's listeners (RFC 3550 §6.4.1 LSR/DLSR)").labelNames("show")
                .callback(cb -> {
                    for (ShowRouter r : routers.get()) {
                        mean(r.consumerStats(), s -> s.rttMillis() / 1000).ifPresent(v -> cb.call(v, r.showId()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("encore_media_server_delay_seconds")
                .help("Server-added delay, packet in to last copy written, over the last scrape interval")
                .labelNames("quantile").callback(cb -> {
                    Histogram h = sampleDelay();
                    cb.call(h.getValueAtPercentile(50) / 1e6, "0.5");
                    cb.call(h.getValueAtPercentile(90) / 1e6, "0.9");
                    cb.call(h.getValueAtPercentile(99) / 1e6, "0.99");
                    cb.call(h.getValueAtPercentile(99.9) / 1e6, "0.999");
                    cb.call(h.getMaxValue() / 1e6, "1");
                }).register(registry);
    }

    /** The mean of the defined (non-NaN) values, or empty. */
    private static OptionalDouble mean(List<Consumer.ConsumerStats> stats, ToDoubleFunction<Consumer.ConsumerStats> value) {
        return stats.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).average();
    }

    PrometheusRegistry registry() {
        return registry;
    }

    void drop(DropReason reason) {
        drops.get(reason).inc();
    }

    void drop(DropReason reason, long count) {
        drops.get(reason).inc(count);
    }

    long dropped(DropReason reason) {
        return drops.get(reason).getLongValue();
    }

    void datagramIn(PacketKind kind) {
        datagramsByKind.get(kind).inc();
    }

    /** The per-show counters, looked up once per router. */
    ShowCounters forShow(String showId) {
        return new ShowCounters(packetsIn.labelValues(showId), bytesIn.labelValues(showId), packetsOut.labelValues(showId),
                bytesOut.labelValues(showId), timeToFirstAudio.labelValues(showId));
    }

    /** Gauges of the DTLS handshake pool: handshakes in progress and those waiting for a CPU turn. */
    void dtlsPool(IntSupplier inProgress, IntSupplier waitingForCpu) {
        GaugeWithCallback.builder().name("encore_media_dtls_in_progress")
                .help("DTLS handshakes in progress (computing, or waiting for their client or a CPU turn)")
                .callback(cb -> cb.call(inProgress.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("encore_media_dtls_waiting_for_cpu")
                .help("DTLS handshakes ready to compute but waiting for a CPU turn")
                .callback(cb -> cb.call(waitingForCpu.getAsInt())).register(registry);
    }

    void dtlsHandshake(dev.encore.protocol.dtls.DtlsEndpoint.Trace trace) {
        dtlsHandshakes.inc();
        if (trace != null) {
            dtlsParts[0].observe(trace.totalNanos() / 1e9);
            dtlsParts[1].observe(trace.threadWaitNanos() / 1e9);
            dtlsParts[2].observe(trace.turnWaitNanos() / 1e9);
            dtlsParts[3].observe(trace.turnHeldNanos() / 1e9);
            dtlsParts[4].observe(trace.peerWaitNanos() / 1e9);
        }
    }

    long dtlsHandshakes() {
        return dtlsHandshakes.getLongValue();
    }

    void dtlsFailure(String reason) {
        dtlsFailures.labelValues(reason).inc();
    }

    long dtlsFailures(String reason) {
        return dtlsFailures.labelValues(reason).getLongValue();
    }

    void helloVerifySent() {
        helloVerifySent.inc();
    }

    void stunAnswered() {
        stunAnswered.inc();
    }

    long stunAnswers() {
        return stunAnswered.getLongValue();
    }

    void consentExpiry() {
        consentExpiries.inc();
    }

    long consentExpiries() {
        return consentExpiries.getLongValue();
    }

    void setupTimeout() {
        setupTimeouts.inc();
    }

    long setupTimeouts() {
        return setupTimeouts.getLongValue();
    }

    void whipCreated() {
        whipCreated.inc();
    }

    long whipSessionsCreated() {
        return whipCreated.getLongValue();
    }

    void whipReplaced() {
        whipReplaced.inc();
    }

    long whipSessionsReplaced() {
        return whipReplaced.getLongValue();
    }

    /** Records one packet's server-added delay. Any thread. */
    void recordDelay(long nanos) {
        delayRecorder.recordValue(Math.max(0, Math.min(MAX_DELAY_MICROS, nanos / 1000)));
    }

    /** Moves what was recorded since the last call into the running total; returns that interval. */
    synchronized Histogram sampleDelay() {
        delayInterval = delayRecorder.getIntervalHistogram(delayInterval);
        delayTotal.add(delayInterval);
        return delayInterval;
    }

    /** A copy of every delay recorded so far, in microseconds. */
    synchronized Histogram delayTotal() {
        sampleDelay();
        return delayTotal.copy();
    }

    /** Per-show counters and the time-to-first-audio histogram (seconds); each is a cached data point. */
    record ShowCounters(CounterDataPoint packetsIn, CounterDataPoint bytesIn, CounterDataPoint packetsOut,
            CounterDataPoint bytesOut, DistributionDataPoint timeToFirstAudio) {
    }
}
