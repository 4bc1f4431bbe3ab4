package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import dev.encore.audio.ToneAnalysis;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerException;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.LoopLag;
import dev.encore.loadtest.client.PacketPathWarmUp;
import dev.encore.loadtest.client.PcmRing;
import dev.encore.loadtest.client.PhaseTimings;
import dev.encore.loadtest.client.PublisherConfig;
import dev.encore.loadtest.client.RtpPacketListener;
import dev.encore.loadtest.client.SignalingTransport;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.loadtest.client.WebRtcPublisher;
import dev.encore.loadtest.client.WhepException;
import dev.encore.loadtest.report.RunMeta;
import dev.encore.protocol.JoinPathWarmUp;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import io.netty.util.concurrent.EventExecutor;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One load run (issue 6): listeners arrive by the {@link Arrivals} curve, stay for the duration (with churn), optionally
 * hear the tool's own synthetic performer ({@link ToneSender}) and vote and request over the show channel
 * ({@link Interaction}); the run prints a progress line every second and a final table, and returns every figure
 * ({@link RunResult}) with the SLO verdict.
 *
 * <p>Every listener is a full {@link WebRtcListener} (ICE, DTLS-SRTP with the server's fingerprint checked, SRTP
 * authentication of every packet, RTCP receiver reports) on one shared {@link ClientRuntime}: no thread per listener.
 *
 * <p>What is measured and how:
 * <ul>
 *   <li>time to first audio: WHEP offer sent to the first authenticated RTP packet, with its phases (signaling: answer
 *       received; ICE: check answered; DTLS: keys ready; first packet);</li>
 *   <li>one-way latency of every packet: arrival time minus the send time the synthetic performer stamped in it
 *       ({@link SendStamp}), both {@link System#nanoTime} of this process. Coordinated omission: the stamp is the frame's
 *       due time on the 20 ms audio clock (start + k x 20 ms), not the moment the tool got round to sending it, so a stall
 *       anywhere (the tool's sender included) shows as latency. Every packet that arrives is measured, so the receiver adds
 *       no synthetic values ({@code recordValueWithExpectedInterval} would count a delayed packet's predecessors twice:
 *       they were measured themselves);</li>
 *   <li>loss, duplicates, reordering and jitter per listener as RFC 3550 receivers count them; concealment needed: the
 *       frames missing when the next one arrived (lost or late), what a player without a jitter buffer would conceal;</li>
 *   <li>a sample of listeners ({@code decodeSample}, at least one) decodes the Opus stream and checks it: no decode
 *       error, and with the synthetic performer the tone at {@value ToneSender#TONE_HZ} Hz in the last second;</li>
 *   <li>the tool's own CPU, its event loops' pending tasks and the host's UDP receive-buffer errors, once a second, so
 *       the report can tell whether the tool was the bottleneck; the server's {@code /metrics} every 5 s.</li>
 * </ul>
 *
 * <p>Runs on the calling thread; listeners live on the runtime's event loops.
 */
public final class LoadRun {
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    static final long SCRAPE_EVERY = TimeUnit.SECONDS.toNanos(5);
    static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int BAR = 20;
    /** No listener leaves in the last 2 s: its rejoin (1 s later) would still be joining when the run ends. */
    static final long CHURN_STOP_BEFORE_END = TimeUnit.SECONDS.toNanos(2);
    /**
     * A session still joining when the run ends counts as a failed join ({@code timeout}) once it has tried this long
     * (longer than any phase's own timeout); a younger one is {@code unfinished}: neither joined nor failed.
     */
    static final long JOIN_GRACE = TimeUnit.SECONDS.toNanos(5);

    /** The test itself could not run (exit code 2): the message says why. */
    public static final class CouldNotRun extends Exception {
        private static final long serialVersionUID = 1L;

        public CouldNotRun(String message) {
            super(message);
        }
    }

    private final RunSettings s;
    private final ClientRuntime.Options runtimeOptions;
    private final PrintWriter out;

    // Recorded on the runtime's loops; drained by the run's thread.
    static final int WARM_UP_HANDSHAKES = 1_000;
    static final Duration WARM_UP_BUDGET = Duration.ofSeconds(10);
    /**
     * What the in-memory warm-up runs at most ({@link JoinPathWarmUp}, {@link PacketPathWarmUp}): without it, the C2
     * compiler took a third of the tool's CPU in a storm's first seconds (the Opus decoder, BouncyCastle's handshake code,
     * SRTP, STUN and SDP), CPU the storm's handshakes needed. Per-join code is compiled only after thousands of joins.
     */
    static final int WARM_UP_DECODES = 3_000;
    static final int WARM_UP_JOINS = 3_000;
    static final int WARM_UP_PACKETS = 30_000;
    /** The longest the warm-up waits for the compiler to finish what it queued. */
    static final Duration WARM_UP_JIT_WAIT = Duration.ofSeconds(2);
    /** Handshakes the warm-up completed; the run's thread's. */
    private int warmUpHandshakes;
    /** The run's show-channel side, or null; set by the run's thread before arrivals start. */
    private Interaction channel;
    /** How late the tool's event loops ran during the run (from the first arrival). */
    private LoopLag loopLag;
    /**
     * One-way latency, one recorder per thread that records (the event loops): a single {@link Recorder} shared by the loops
     * made every packet an atomic increment on one cache line from both cores, a tenth of the tool's loop time.
     */
    private final PerThreadRecorder latency = new PerThreadRecorder();
    private final Recorder ttfa = new Recorder(3);
    private final Recorder signaling = new Recorder(3);
    private final Recorder ice = new Recorder(3);
    private final Recorder dtls = new Recorder(3);
    private final Recorder firstPacket = new Recorder(3);
    /** The signaling phase split: the HTTP exchange, and the hop onto the session's event loop after it. */
    private final Recorder http = new Recorder(3);
    /** The DTLS phase's handshake split by {@link DtlsEndpoint.Trace}: thread wait, turn wait, turn held, peer wait. */
    private final Recorder dtlsThreadWait = new Recorder(3);
    private final Recorder dtlsTurnWait = new Recorder(3);
    private final Recorder dtlsComputing = new Recorder(3);
    private final Recorder dtlsPeerWait = new Recorder(3);
    private final LongAdder packets = new LongAdder();
    private final LongAdder joins = new LongAdder();
    private final LongAdder failedJoins = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    // Owned by the run's thread.
    private final List<Session> sessions = new ArrayList<>();
    private Session[] current;
    private final Histogram ttfaTotal = new Histogram(3);
    private final Histogram latencyTotal = new Histogram(3);
    private final List<RunResult.Second> seconds = new ArrayList<>();
    private final List<ServerMetrics.Sample> scrapes = new ArrayList<>();
    private long lastPackets;
    private long lastJoins;
    private long lastFailed;
    private long lastUdpErrors = -1;
    private int started;

    public LoadRun(RunSettings settings, ClientRuntime.Options runtimeOptions, PrintWriter out) {
        this.s = requireNonNull(settings, "settings");
        this.runtimeOptions = requireNonNull(runtimeOptions, "runtimeOptions");
        this.out = requireNonNull(out, "out");
    }

    /** The runtime options the command uses for {@code settings}. */
    public static ClientRuntime.Options runtimeOptions(RunSettings settings) {
        return new ClientRuntime.Options(settings.eventLoops(), settings.dtlsThreads(), ClientRuntime.Options.HTTP_CONNECTIONS,
                Duration.ofSeconds(10), true);
    }

    /** Runs on a runtime of its own. */
    public RunResult run() throws CouldNotRun, InterruptedException {
        try (ClientRuntime runtime = ClientRuntime.create(runtimeOptions)) {
            return run(runtime);
        }
    }

    /** Runs on {@code runtime} (left open). */
    public RunResult run(ClientRuntime runtime) throws CouldNotRun, InterruptedException {
        Instant startedAt = Instant.now();
        int n = s.listeners();
        current = new Session[n];
        out.printf(Locale.ROOT, "Encore load test: %s, %s, then %s%s, publish %s%s (%s, %d event loops)%n",
                s.target() != null ? s.target() + " show " + s.showId() : "WHEP " + s.whep(), s.arrivals(),
                Durations.format(s.duration()), s.churn() > 0 ? ", churn " + pct(s.churn()) + "/" + Durations.format(s.churnPeriod())
                : "", s.publish().name().toLowerCase(Locale.ROOT), s.voters() + s.requesters() > 0
                ? ", voters " + pct(s.voters()) + ", requesters " + pct(s.requesters())
                + (s.media() == RunSettings.Media.NONE ? ", show channel only (no audio)" : "") : "",
                runtime.transport(), runtime.eventLoopCount());
        out.flush();
        ServerMetrics server = s.target() != null ? new ServerMetrics(s.target()) : null;
        if (s.target() != null) {
            preflight();
        }
        ExecutorService scraper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "encore-loadtest-scrape");
            t.setDaemon(true);
            return t;
        });
        List<Future<ServerMetrics.Sample>> pendingScrapes = new ArrayList<>();
        WebRtcPublisher publisher = null;
        ToneSender tone = null;
        Interaction interaction = null;
        long t0 = System.nanoTime();
        try {
            if (server != null) {
                ServerMetrics.Sample first = server.scrape(0);
                if (first != null) {
                    scrapes.add(first);
                }
            }
            warmUpCrypto();
            warmUpHandshakes();
            if (s.publish() == RunSettings.Publish.SYNTHETIC) {
                publisher = publish(runtime);
                tone = new ToneSender(publisher);
                tone.start();
                Thread.sleep(200); // the server takes the publisher when its first packets arrive
            }
            if (s.voters() > 0 || s.requesters() > 0) {
                interaction = new Interaction(s.showChannel(), s.performerKey(), runtime.transport().equals("io_uring"));
                interaction.startPerformer();
                channel = interaction;
            }
            t0 = System.nanoTime();
            List<EventExecutor> probed = new ArrayList<>();
            runtime.eventLoops().forEach(probed::add);
            if (interaction != null) {
                interaction.eventLoops().forEach(probed::add);
            }
            loopLag = new LoopLag(probed);
            long window = s.arrivals().window().toNanos();
            long holdStart = t0 + window;
            long end = holdStart + s.duration().toNanos();
            if (interaction != null) {
                interaction.scheduleHold(holdStart, end);
            }
            long churnEvery = s.churn() > 0 ? (long) (s.churnPeriod().toNanos() / (s.churn() * n)) : Long.MAX_VALUE;
            long nextChurn = churnEvery == Long.MAX_VALUE ? Long.MAX_VALUE : holdStart + churnEvery;
            ArrayDeque<long[]> rejoins = new ArrayDeque<>();
            long nextSecond = t0 + SECOND;
            long nextScrape = t0 + SCRAPE_EVERY;
            Interaction in = interaction;
            while (true) {
                long now = System.nanoTime();
                while (started < n && now - (t0 + s.arrivals().offsetNanos(started)) >= 0) {
                    start(runtime, started, in);
                    started++;
                }
                while (!rejoins.isEmpty() && now - rejoins.peekFirst()[0] >= 0) {
                    start(runtime, (int) rejoins.pollFirst()[1], null);
                }
                if (now - nextChurn >= 0 && end - now > CHURN_STOP_BEFORE_END) {
                    Session leaving = pickConnected();
                    if (leaving != null) {
                        leaving.listener.closeAsync();
                        leaving.churned = true;
                        rejoins.addLast(new long[] {now + RunSettings.REJOIN_AFTER.toNanos(), leaving.slot});
                    }
                    nextChurn += churnEvery;
                }
                if (now - end >= 0) {
                    break;
                }
                if (now - nextSecond >= 0) {
                    sample((int) ((nextSecond - t0) / SECOND) - 1, runtime, t0);
                    nextSecond += SECOND;
                }
                if (server != null && now - nextScrape >= 0) {
                    long at = (now - t0) / 1_000_000;
                    pendingScrapes.add(scraper.submit(() -> server.scrape(at)));
                    nextScrape += SCRAPE_EVERY;
                }
                long wake = Math.min(Math.min(end, nextSecond), Math.min(nextChurn, server != null ? nextScrape : Long.MAX_VALUE));
                if (started < n) {
                    wake = Math.min(wake, t0 + s.arrivals().offsetNanos(started));
                }
                if (!rejoins.isEmpty()) {
                    wake = Math.min(wake, rejoins.peekFirst()[0]);
                }
                TimeUnit.NANOSECONDS.sleep(Math.max(200_000, wake - System.nanoTime()));
            }
            if (tone != null) {
                // The performer stops first and its last packets drain, so listeners and server count the same stream.
                tone.close();
                Thread.sleep(200);
            }
            sample((int) ((nextSecond - t0) / SECOND) - 1, runtime, t0);
            loopLag.close();
            long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
            for (Future<ServerMetrics.Sample> f : pendingScrapes) {
                try {
                    ServerMetrics.Sample sample = f.get(5, TimeUnit.SECONDS);
                    if (sample != null) {
                        scrapes.add(sample);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // a missing scrape is a gap in the server's view, not a failed run
                }
            }
            if (server != null) {
                ServerMetrics.Sample last = server.scrape(elapsedMillis);
                if (last != null) {
                    scrapes.add(last);
                }
            }
            return finish(startedAt, elapsedMillis, tone, interaction);
        } finally {
            if (tone != null) {
                tone.close();
            }
            if (publisher != null) {
                publisher.close();
            }
            if (interaction != null) {
                interaction.close();
            }
            closeAll();
            scraper.shutdownNow();
        }
    }

    // ---- before the run ----

    /** The target answers and knows the show: else the test cannot run. */
    private void preflight() throws CouldNotRun, InterruptedException {
        String base = s.target().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/api/shows/" + java.net.URLEncoder.encode(s.showId(), java.nio.charset.StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int status;
        try {
            status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new CouldNotRun("the server " + s.target() + " is unreachable: " + e);
        }
        if (status == 404) {
            throw new CouldNotRun("the server " + s.target() + " has no show '" + s.showId() + "' (GET " + uri.getPath()
                    + " answered 404)");
        }
        if (status >= 500) {
            throw new CouldNotRun("the server " + s.target() + " answered " + status + " to GET " + uri.getPath());
        }
    }

    private WebRtcPublisher publish(ClientRuntime runtime) throws CouldNotRun, InterruptedException {
        WebRtcPublisher p = WebRtcPublisher.create(runtime, PublisherConfig.builder(s.target(), s.showId())
                .key(s.performerKey()).stereo(true).build());
        try {
            p.connect().get(30, TimeUnit.SECONDS);
            return p;
        } catch (ExecutionException e) {
            p.close();
            Throwable cause = e.getCause();
            if (cause instanceof ListenerException le && le.getCause() instanceof WhepException w
                    && (w.status() == 401 || w.status() == 403)) {
                throw new CouldNotRun("the performer key was refused (WHIP answered " + w.status() + ")");
            }
            throw new CouldNotRun("the synthetic performer could not publish: " + cause.getMessage());
        } catch (TimeoutException e) {
            p.close();
            throw new CouldNotRun("the synthetic performer did not connect within 30 s");
        }
    }

    /**
     * Runs what each join and packet go through in memory before the first arrival ({@link JoinPathWarmUp}: DTLS
     * handshakes, twice the listeners and at most {@link #WARM_UP_HANDSHAKES}; offer/answer, ICE and SRTP; then Opus
     * decoding): a freshly started tool JIT-compiles that code during its first thousands of joins, and a storm at the start
     * of the run would otherwise measure the tool's own warm-up as time to first audio.
     */
    private void warmUpHandshakes() {
        if (s.media() == RunSettings.Media.NONE) {
            return;
        }
        long t = System.nanoTime();
        JoinPathWarmUp.Done done = JoinPathWarmUp.run((int) Math.min(WARM_UP_HANDSHAKES, 2L * s.listeners()),
                (int) Math.min(WARM_UP_JOINS, 10L * s.listeners()), (int) Math.min(WARM_UP_PACKETS, 100L * s.listeners()),
                WARM_UP_BUDGET);
        warmUpHandshakes = done.handshakes();
        int decoded = PacketPathWarmUp.run((int) Math.min(WARM_UP_DECODES, 10L * s.listeners()), WARM_UP_BUDGET);
        PacketPathWarmUp.awaitCompilerIdle(WARM_UP_JIT_WAIT);
        out.printf(Locale.ROOT, "warm-up: %d DTLS handshakes, %d offer/answer and ICE exchanges, %d SRTP packets and %d Opus"
                + " frames decoded, in memory, in %d ms (the tool's JIT, before the first arrival)%n", done.handshakes(),
                done.joins(), done.packets(), decoded, (System.nanoTime() - t) / 1_000_000);
        out.flush();
    }

    /**
     * Pays jitsi-srtp's one-time start-up (it benchmarks the AES implementations at first use, about a second) before the
     * run, so the tool's own cold start does not show as the server's latency.
     */
    static void warmUpCrypto() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            byte[] keyAndSalt = new byte[profile.keyLength() + profile.saltLength()];
            byte[] packet = new byte[12 + 100 + SrtpSession.MAX_OVERHEAD];
            packet[0] = (byte) 0x80;
            packet[1] = 111;
            try (SrtpSession out = SrtpSession.outboundOnly(profile, keyAndSalt);
                    SrtpSession in = SrtpSession.inboundOnly(profile, keyAndSalt)) {
                int n = out.protectRtp(packet, 0, 112);
                in.unprotectRtp(packet, 0, n);
            } catch (RuntimeException e) {
                // a profile this machine cannot run is not needed by the run either
            }
        }
    }

    // ---- listeners ----

    /** Starts a session for {@code slot}; joins the show channel too when it is the slot's first session and it interacts. */
    private void start(ClientRuntime runtime, int slot, Interaction interaction) {
        if (s.media() == RunSettings.Media.NONE) {
            // No audio: the arrival is a show-channel member only (interaction is never null here: checked by RunSettings).
            Session session = new Session(slot, 0, false);
            current[slot] = session;
            sessions.add(session);
            interaction.join(slot, isChosen(slot, s.voters(), 0.0), isChosen(slot, s.requesters(), 0.5));
            return;
        }
        boolean sampled = isSampled(slot, s.decodeSample());
        Session previous = current[slot];
        Session session = new Session(slot, previous == null ? 0 : previous.number + 1, sampled);
        ListenerConfig.Builder config = ListenerConfig.builder(s.target() != null ? s.target() : s.whep(),
                s.showId() != null ? s.showId() : "whep").token(s.token()).packetListener(session);
        if (sampled) {
            config.decode(true, Duration.ofSeconds(1));
        }
        WebRtcListener l = s.whep() != null
                ? WebRtcListener.create(runtime, config.build(), SignalingTransport.http(runtime, s.whep(), s.token()))
                : WebRtcListener.create(runtime, config.build());
        session.listener = l;
        current[slot] = session;
        sessions.add(session);
        l.connect().whenComplete((ok, error) -> {
            if (error != null) {
                session.onFailure(error);
            } else {
                PhaseTimings t = l.timings();
                record(signaling, t.signalingNanos());
                record(ice, t.iceDurationNanos());
                record(dtls, t.dtlsDurationNanos());
                record(http, t.httpNanos());
                DtlsEndpoint.Trace trace = l.dtlsTrace();
                if (trace != null) {
                    record(dtlsThreadWait, trace.threadWaitNanos());
                    record(dtlsTurnWait, trace.turnWaitNanos());
                    record(dtlsComputing, trace.turnHeldNanos());
                    record(dtlsPeerWait, trace.peerWaitNanos());
                }
            }
        });
        l.firstPacket().whenComplete((ok, error) -> {
            if (error == null) {
                PhaseTimings t = l.timings();
                session.ttfaMicros = t.timeToFirstAudioNanos() / 1000;
                record(ttfa, t.timeToFirstAudioNanos());
                record(firstPacket, t.firstPacketNanos() - t.dtlsNanos());
                joins.increment();
            }
        });
        if (interaction != null && session.number == 0) {
            boolean voter = isChosen(slot, s.voters(), 0.0);
            boolean requester = isChosen(slot, s.requesters(), 0.5);
            if (voter || requester) {
                l.connect().thenRun(() -> interaction.join(slot, voter, requester));
            }
        }
    }

    /** The decode sample: every round(1/fraction)-th slot, slot 0 always. */
    static boolean isSampled(int slot, double fraction) {
        if (slot == 0) {
            return true;
        }
        if (fraction <= 0) {
            return false;
        }
        long every = Math.max(1, Math.round(1 / fraction));
        return slot % every == 0;
    }

    /** A deterministic, evenly spread choice of a fraction of the slots (golden-ratio sequence, offset by {@code phase}). */
    static boolean isChosen(int slot, double fraction, double phase) {
        if (fraction <= 0) {
            return false;
        }
        double x = (slot * 0.6180339887498949 + phase) % 1.0;
        return x < fraction;
    }

    private Session pickConnected() {
        int n = current.length;
        int from = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Session c = current[(from + i) % n];
            if (c != null && !c.churned && c.listener != null && c.listener.state() == WebRtcListener.State.CONNECTED) {
                return c;
            }
        }
        return null;
    }

    private static void record(Recorder r, long nanos) {
        if (nanos >= 0) {
            r.recordValue(nanos / 1000);
        }
    }

    /** Maps a failed join to the report's reasons: full (503), refused (other 4xx), timeout, unreachable, ice, dtls, .... */
    static String failureReason(Throwable error) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (!(t instanceof ListenerException le)) {
            return "internal";
        }
        return switch (le.reason()) {
            case WHEP_STATUS -> {
                int status = le.getCause() instanceof WhepException w ? w.status() : 0;
                yield status == 503 ? "full" : status == 408 || status == 504 ? "timeout"
                        : status >= 400 && status < 500 ? "refused" : "server_error";
            }
            case WHEP_IO -> hasCause(le, HttpTimeoutException.class) ? "timeout"
                    : hasCause(le, ConnectException.class) ? "unreachable" : "http_error";
            case ICE_TIMEOUT -> "ice";
            case DTLS -> "dtls";
            case SDP -> "sdp";
            case BIND -> "bind";
            case CONSENT_LOST -> "consent_lost";
            case CLOSED -> "closed";
            case INTERNAL -> "internal";
        };
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** A {@link SingleWriterRecorder} per recording thread; {@link #intervalHistogram} merges them (any thread). */
    static final class PerThreadRecorder {
        private final java.util.List<SingleWriterRecorder> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(() -> {
            SingleWriterRecorder r = new SingleWriterRecorder(3);
            all.add(r);
            return r;
        });

        void recordValue(long value) {
            mine.get().recordValue(value);
        }

        /** What every thread recorded since the previous call. */
        Histogram intervalHistogram() {
            Histogram sum = new Histogram(3);
            for (SingleWriterRecorder r : all) {
                sum.add(r.getIntervalHistogram());
            }
            return sum;
        }
    }

    // ---- once a second ----

    private void sample(int second, ClientRuntime runtime, long t0) {
        Histogram lat = latency.intervalHistogram();
        latencyTotal.add(lat);
        Histogram tt = ttfa.getIntervalHistogram();
        ttfaTotal.add(tt);
        long p = packets.sum();
        long j = joins.sum();
        long f = failedJoins.sum();
        int connected = 0;
        long dExpected = 0;
        long dReceived = 0;
        for (Session c : current) {
            if (c == null || c.listener == null) {
                continue;
            }
            if (c.listener.state() == WebRtcListener.State.CONNECTED) {
                connected++;
            }
            long e = c.listener.expectedSoFar();
            long r = c.listener.receivedSoFar();
            dExpected += e - c.lastExpected;
            dReceived += r - c.lastReceived;
            c.lastExpected = e;
            c.lastReceived = r;
        }
        if (s.media() == RunSettings.Media.NONE && channel != null) {
            connected = (int) channel.joined.sum();
            j = connected;
        }
        double loss = dExpected <= 0 ? Double.NaN : Math.max(0, (double) (dExpected - dReceived) / dExpected);
        long udp = udpReceiveErrors();
        long udpDelta = udp < 0 || lastUdpErrors < 0 ? -1 : udp - lastUdpErrors;
        lastUdpErrors = udp;
        RunResult.Second sec = new RunResult.Second(Math.max(0, second), connected, started, j - lastJoins, f - lastFailed,
                p - lastPackets, loss, lat, tt.getTotalCount() == 0 ? -1 : tt.getValueAtPercentile(99), toolCpu(),
                serverCpu(), runtime.pendingTasks(), udpDelta);
        lastPackets = p;
        lastJoins = j;
        lastFailed = f;
        seconds.add(sec);
        out.println(progressLine(sec, s.listeners(), ttfaTotal, latencyTotal));
        out.flush();
    }

    /** The live line: elapsed, connected/target with a bar, joins/s, packets/s, loss, p99 TTFA and latency, tool CPU. */
    static String progressLine(RunResult.Second sec, int total, Histogram ttfaSoFar, Histogram latencySoFar) {
        int filled = total == 0 ? 0 : (int) Math.round((double) BAR * sec.connected() / total);
        String bar = "#".repeat(Math.min(BAR, filled)) + ".".repeat(Math.max(0, BAR - filled));
        return String.format(Locale.ROOT, "[%4ds] [%s] %5d/%-5d joins %4d/s  pkts %7d/s  loss %s  ttfa p99 %s  lat p99 %s  cpu %s%s",
                sec.second() + 1, bar, sec.connected(), sec.target(), sec.joins(), sec.packets(),
                Double.isNaN(sec.loss()) ? "   -   " : String.format(Locale.ROOT, "%6.3f%%", sec.loss() * 100),
                ms(ttfaSoFar, 99), sec.latency().getTotalCount() == 0 ? ms(latencySoFar, 99) : ms(sec.latency(), 99),
                Double.isNaN(sec.toolCpu()) ? "-" : String.format(Locale.ROOT, "%3.0f%%", sec.toolCpu() * 100),
                sec.failedJoins() > 0 ? "  failed " + sec.failedJoins() : "");
    }

    private static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.0fms", h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double toolCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? Double.NaN : load;
        }
        return Double.NaN;
    }

    /** The server's CPU from the last two scrapes' {@code process_cpu_seconds_total}, NaN when not exposed. */
    private double serverCpu() {
        if (scrapes.size() < 2) {
            return Double.NaN;
        }
        ServerMetrics.Sample a = scrapes.get(scrapes.size() - 2);
        ServerMetrics.Sample b = scrapes.get(scrapes.size() - 1);
        double cpu = b.sum("process_cpu_seconds_total") - a.sum("process_cpu_seconds_total");
        double wall = (b.elapsedMillis() - a.elapsedMillis()) / 1000.0;
        return wall <= 0 ? Double.NaN : cpu / wall / Runtime.getRuntime().availableProcessors();
    }

    /** The host's UDP RcvbufErrors (/proc/net/snmp, all processes), or -1 when unavailable. */
    static long udpReceiveErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    String[] names = lines.get(i).trim().split("\\s+");
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    for (int k = 0; k < names.length && k < values.length; k++) {
                        if (names[k].equals("RcvbufErrors")) {
                            return Long.parseLong(values[k]);
                        }
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or no procfs
        }
        return -1;
    }

    // ---- the end ----

    private void closeAll() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Session c : sessions) {
            if (c.listener != null) {
                WebRtcListener.State st = c.listener.state();
                if (st != WebRtcListener.State.FAILED && st != WebRtcListener.State.CONNECTED && st != WebRtcListener.State.CLOSED
                        && !c.churned && c.failure == null && !c.unfinished) {
                    if (System.nanoTime() - c.startNanos > JOIN_GRACE) {
                        c.failure = "timeout";
                        failures.computeIfAbsent("timeout", k -> new LongAdder()).increment();
                    } else {
                        c.unfinished = true;
                    }
                }
                closing.add(c.listener.closeAsync());
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort: the server's consent timer removes sessions we could not delete
        }
    }

    private RunResult finish(Instant startedAt, long elapsedMillis, ToneSender tone, Interaction interaction) {
        // Decode checks while the sampled listeners still hold their last second of PCM.
        Map<Session, Double> tones = new LinkedHashMap<>();
        for (Session c : sessions) {
            if (c.sampled && c.listener != null && c.listener.pcm() != null) {
                PcmRing pcm = c.listener.pcm();
                short[] samples = pcm.snapshot();
                double hz = samples.length < 4800 ? Double.NaN : ToneAnalysis.dominantFrequency(samples, pcm.channels(), 48_000);
                tones.put(c, hz);
            }
        }
        // Before the sockets close: what the kernel dropped on the tool's own sockets (full receive buffers).
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (Session c : sessions) {
            if (c.listener != null && c.listener.localPort() > 0) {
                ports.add(c.listener.localPort());
            }
        }
        long toolSocketDrops = ports.isEmpty() ? 0 : SocketDrops.sum(ports, SocketDrops.PROC_FILES);
        closeAll();
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        histograms.put("ttfa", ttfaTotal);
        histograms.put("signaling", signaling.getIntervalHistogram());
        histograms.put("ice", ice.getIntervalHistogram());
        histograms.put("dtls", dtls.getIntervalHistogram());
        histograms.put("firstPacket", firstPacket.getIntervalHistogram());
        histograms.put("http", http.getIntervalHistogram());
        histograms.put("dtlsThreadWait", dtlsThreadWait.getIntervalHistogram());
        histograms.put("dtlsTurnWait", dtlsTurnWait.getIntervalHistogram());
        histograms.put("dtlsComputing", dtlsComputing.getIntervalHistogram());
        histograms.put("dtlsPeerWait", dtlsPeerWait.getIntervalHistogram());
        histograms.put("latency", latencyTotal);
        Histogram jitter = new Histogram(3);
        List<RunResult.ListenerRow> rows = new ArrayList<>();
        Map<String, Long> counts = new TreeMap<>();
        long joined = 0;
        for (Session c : sessions) {
            if (c.listener == null) {
                continue;
            }
            ListenerStats st = c.listener.stats();
            boolean ok = c.ttfaMicros >= 0;
            joined += ok ? 1 : 0;
            if (st.packets() > 0) {
                jitter.recordValue(Math.round(st.jitterMillis() * 1000));
            }
            Double hz = tones.get(c);
            String failure = c.unfinished ? "unfinished" : c.failure;
            rows.add(new RunResult.ListenerRow(c.slot, c.number, ok, failure, c.ttfaMicros, st.packets(), st.expected(),
                    st.lost(), st.duplicates(), st.reordered(), c.concealment, st.jitterMillis(),
                    c.latencyCount == 0 ? -1 : c.latencySum / c.latencyCount, c.latencyCount == 0 ? -1 : c.latencyMax,
                    c.sampled, st.decodeErrors(), hz == null ? Double.NaN : hz));
            add(counts, "packets", st.packets());
            add(counts, "expected", st.expected());
            add(counts, "lost", st.lost());
            add(counts, "duplicates", st.duplicates());
            add(counts, "reordered", st.reordered());
            add(counts, "concealment", c.concealment);
            add(counts, "srtpAuthFailures", st.drops(DropReason.AUTH));
            add(counts, "srtpReplayFailures", st.drops(DropReason.REPLAY));
            add(counts, "otherDrops", st.totalDrops() - st.drops(DropReason.AUTH) - st.drops(DropReason.REPLAY));
            add(counts, "earlyMedia", st.drops(DropReason.MEDIA_EARLY));
            add(counts, "stampedPackets", c.latencyCount);
            if (c.sampled) {
                add(counts, "decodeSample", 1);
                add(counts, "decodedFrames", st.decodedFrames());
                add(counts, "decodeErrors", st.decodeErrors());
                boolean toneOk = hz != null && Math.abs(hz - ToneSender.TONE_HZ) < 10;
                add(counts, "toneOk", toneOk ? 1 : 0);
            }
            if ("consent_lost".equals(c.failure)) {
                add(counts, "sessionsLost", 1);
            }
        }
        histograms.put("jitter", jitter);
        long unfinished = sessions.stream().filter(c -> c.unfinished).count();
        counts.put("arrivals", sessions.size() - unfinished);
        counts.put("unfinished", unfinished);
        if (s.media() == RunSettings.Media.NONE && interaction != null) {
            // Without audio, an arrival has joined when the show channel welcomed it.
            joined = interaction.joined.sum();
        }
        counts.put("joined", joined);
        counts.put("churned", sessions.stream().filter(c -> c.churned).count());
        counts.put("elapsedMillis", elapsedMillis);
        counts.put("dtlsThreads", (long) s.dtlsThreads());
        counts.put("toolSocketDrops", toolSocketDrops);
        counts.put("warmUpHandshakes", (long) warmUpHandshakes);
        if (tone != null) {
            counts.put("performerFramesSent", tone.sent());
            counts.put("performerFramesLate", tone.late());
        }
        Map<String, Long> interactionErrors = new TreeMap<>();
        if (loopLag != null) {
            histograms.put("toolLoopLag", loopLag.histogram());
        }
        if (interaction != null) {
            histograms.put("tally", interaction.tally.getIntervalHistogram());
            histograms.put("voteAck", interaction.voteAck.getIntervalHistogram());
            histograms.put("request", interaction.requestSeen.getIntervalHistogram());
            counts.put("channelJoined", interaction.joined.sum());
            counts.put("polls", interaction.polls.get());
            counts.put("votesSent", interaction.votesSent.sum());
            counts.put("votesAcked", interaction.votesAcked.sum());
            counts.put("requestsSent", interaction.requestsSent.sum());
            counts.put("requestsAcked", interaction.requestsAcked.sum());
            counts.put("upvotesAcked", interaction.upvotesAcked.sum());
            interaction.errors.forEach((k, v) -> interactionErrors.put(k, v.sum()));
        }
        Map<String, Long> failed = new TreeMap<>();
        failures.forEach((k, v) -> failed.put(k, v.sum()));
        List<Slo.Result> slo = s.slo().evaluate(figures(histograms, counts, failed));
        int exit;
        String verdict;
        boolean allFull = !failed.isEmpty() && failed.keySet().stream().allMatch(k -> k.equals("full"));
        if (joined == 0 && !allFull) {
            exit = RunResult.EXIT_COULD_NOT_RUN;
            verdict = "COULD NOT RUN: no listener " + (s.media() == RunSettings.Media.NONE ? "joined the show channel"
                    : "heard audio") + " (failures: " + (failed.isEmpty() ? "none" : failed) + ")";
        } else if (Slo.allMet(slo)) {
            exit = RunResult.EXIT_MET;
            verdict = "PASS: every objective met";
        } else {
            exit = RunResult.EXIT_MISSED;
            verdict = "FAIL: " + slo.stream().filter(r -> !r.met()).map(r -> r.objective().text()).toList() + " missed";
        }
        return new RunResult(s.commandLine(), s.toString(), startedAt, RunMeta.Machine.current(), List.copyOf(seconds),
                histograms, counts, failed, interactionErrors, rows, List.copyOf(scrapes), slo, exit, verdict);
    }

    private static void add(Map<String, Long> counts, String name, long value) {
        counts.merge(name, value, Long::sum);
    }

    /** The figures the objectives read: time metrics from the histograms (µs to ms), ratios from the counts. */
    static Slo.Figures figures(Map<String, Histogram> histograms, Map<String, Long> counts, Map<String, Long> failures) {
        return new Slo.Figures() {
            @Override
            public OptionalDouble time(String metric, String stat, double percentile) {
                Histogram h = histograms.get(metric);
                if (h == null || h.getTotalCount() == 0) {
                    return OptionalDouble.empty();
                }
                double micros = stat.equals("max") ? h.getMaxValue() : stat.equals("mean") ? h.getMean()
                        : h.getValueAtPercentile(percentile);
                return OptionalDouble.of(micros / 1000.0);
            }

            @Override
            public OptionalDouble ratio(String metric) {
                long arrivals = counts.getOrDefault("arrivals", 0L);
                return switch (metric) {
                    case "loss" -> {
                        long expected = counts.getOrDefault("expected", 0L);
                        yield expected == 0 ? OptionalDouble.empty()
                                : OptionalDouble.of((double) counts.getOrDefault("lost", 0L) / expected);
                    }
                    case "joined" -> arrivals == 0 ? OptionalDouble.empty()
                            : OptionalDouble.of((double) counts.getOrDefault("joined", 0L) / arrivals);
                    case "failed" -> arrivals == 0 ? OptionalDouble.empty()
                            : OptionalDouble.of((double) failures.values().stream().mapToLong(Long::longValue).sum() / arrivals);
                    default -> OptionalDouble.empty();
                };
            }
        };
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.3g%%", fraction * 100);
    }

    /**
     * One listener session and what the run measures on it beyond the client's own statistics. The packet hook runs on the
     * session's event loop; its figures are volatile so the run's thread can read them at the end.
     */
    private final class Session implements RtpPacketListener {
        final int slot;
        final int number;
        final boolean sampled;
        volatile WebRtcListener listener;
        volatile long ttfaMicros = -1;
        volatile String failure;
        volatile boolean churned;
        volatile boolean unfinished;
        final long startNanos = System.nanoTime();
        // Written on the session's loop.
        private volatile long concealment;
        private volatile long latencySum;
        private volatile long latencyCount;
        private volatile long latencyMax;
        private int lastSeq = -1;
        // Owned by the run's thread (per-second deltas).
        long lastExpected;
        long lastReceived;

        Session(int slot, int number, boolean sampled) {
            this.slot = slot;
            this.number = number;
            this.sampled = sampled;
        }

        void onFailure(Throwable error) {
            String reason = failureReason(error);
            if (reason.equals("closed")) {
                return; // closed by us: churn, or the end of the run (still joining then is counted as a timeout)
            }
            failure = reason;
            if (!reason.equals("consent_lost")) {
                failedJoins.increment();
            }
            failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
        }

        @Override
        public void onRtp(WebRtcListener l, long ssrc, int sequence, long timestamp, byte[] payload, int payloadOffset,
                int payloadLength, long arrivalNanos) {
            packets.increment();
            if (lastSeq >= 0) {
                int step = (sequence - lastSeq) & 0xFFFF;
                if (step > 0 && step < 3000) {
                    concealment += step - 1;
                    lastSeq = sequence;
                }
            } else {
                lastSeq = sequence;
            }
            if (SendStamp.isStamped(payload, payloadOffset, payloadLength)) {
                long micros = (arrivalNanos - SendStamp.sendNanos(payload, payloadOffset, payloadLength)) / 1000;
                if (micros >= 0) {
                    latency.recordValue(micros);
                    latencySum += micros;
                    latencyCount++;
                    if (micros > latencyMax) {
                        latencyMax = micros;
                    }
                }
            }
        }
    }
}
