package dev.encore.loadtest.janus;

import dev.encore.loadtest.Durations;
import dev.encore.loadtest.ListenerOutcome;
import dev.encore.loadtest.LoadReport;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.PublisherConfig;
import dev.encore.loadtest.client.RtpPacketListener;
import dev.encore.loadtest.client.SignalingTransport;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.loadtest.client.WebRtcPublisher;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The side-by-side run (issue 6): the same listener load, measured by the same code, against a Janus streaming mountpoint
 * ({@code --janus URL --mountpoint ID}, fed plain RTP by the tool) or an Encore show ({@code --target URL --show ID}, fed
 * over WHIP by the tool when {@code --performer-key} or {@code $ENCORE_PERFORMER_KEY} is given). Both feeds are the same
 * signal ({@link StampedTone}: 96 kbit/s stereo Opus, 20 ms, send time stamped), every listener is a full
 * {@link WebRtcListener} (ICE with integrity, DTLS-SRTP verifying the fingerprint, SRTP authentication of every packet,
 * RTCP receiver reports), and the verdict is {@link LoadReport}'s: delivery and joins ≥ 99.9 %.
 *
 * <p>Until the load engine takes a {@code --janus} option this is its own main:
 * {@code java -cp encore-all.jar dev.encore.loadtest.janus.JanusLoad --janus http://127.0.0.1:8088/janus ...}. The last
 * line printed is machine-readable ({@code RESULT ...}); the exit code is {@link LoadReport#exitCode()}'s.
 *
 * <p>Runs on the calling thread; listeners live on the runtime's event loops.
 */
@Command(name = "janus-load", mixinStandardHelpOptions = true,
        description = "Listener load against a Janus streaming mountpoint or an Encore show, measured the same way.")
public final class JanusLoad implements Callable<Integer> {
    /** One-way latency counts a listener's packets from this long after its first one. */
    static final int WARM_UP_SECONDS = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--janus", paramLabel = "URL", description = "Janus API root, e.g. http://127.0.0.1:8088/janus")
    URI janus;

    @Option(names = "--mountpoint", defaultValue = "1", paramLabel = "ID", description = "streaming mountpoint id (default: 1)")
    long mountpoint;

    @Option(names = "--feed", defaultValue = "127.0.0.1:5002", paramLabel = "HOST:PORT",
            description = "where the tool sends the mountpoint's plain RTP (default: ${DEFAULT-VALUE}); 'none' to feed nothing")
    String feed;

    @Option(names = "--target", paramLabel = "URL", description = "an Encore server's HTTP base URL (instead of --janus)")
    URI target;

    @Option(names = "--show", paramLabel = "ID", description = "the Encore show (with --target)")
    String show;

    @Option(names = "--performer-key", paramLabel = "KEY",
            description = "publish the tone to the Encore show over WHIP (default: $ENCORE_PERFORMER_KEY; none: listen only)")
    String performerKey;

    @Option(names = "--listeners", defaultValue = "10", paramLabel = "N", description = "listeners (default: ${DEFAULT-VALUE})")
    int listeners;

    @Option(names = "--ramp", defaultValue = "10s", converter = Durations.class, paramLabel = "DURATION",
            description = "time over which listeners join (default: ${DEFAULT-VALUE})")
    Duration ramp;

    @Option(names = "--duration", defaultValue = "30s", converter = Durations.class, paramLabel = "DURATION",
            description = "how long listeners stay after the ramp (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--event-loops", defaultValue = "0", paramLabel = "N", description = "client event loops (0: one per core)")
    int eventLoops;

    @Option(names = "--dtls-threads", defaultValue = "64", paramLabel = "N",
            description = "DTLS handshakes in progress at once (threads that mostly wait; they compute on half the cores)")
    int dtlsThreads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JanusLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((janus == null) == (target == null) || target != null && show == null || listeners < 1) {
            err.println("janus-load: either --janus URL [--mountpoint ID] or --target URL --show ID, and --listeners >= 1"
                    + " (expected: one of the two servers)");
            return LoadReport.EXIT_COULD_NOT_RUN;
        }
        String key = performerKey != null ? performerKey : System.getenv("ENCORE_PERFORMER_KEY");
        // A socket per listener for both servers: Janus's candidates are this machine's own address, where listeners
        // cannot share sockets (docs/shared-sockets.md), so Encore's listeners must not either, or the tool would cost
        // less against Encore than against Janus.
        ClientRuntime.Options options = new ClientRuntime.Options(eventLoops, dtlsThreads,
                ClientRuntime.Options.HTTP_CONNECTIONS, Duration.ofSeconds(10), true).withSharedLoopbackSockets(false);
        try (ClientRuntime runtime = ClientRuntime.create(options)) {
            if (janus != null) {
                try (JanusStreaming adapter = new JanusStreaming(janus, mountpoint, Duration.ofSeconds(10), Duration.ofSeconds(10));
                        Feed f = janusFeed()) {
                    return run(runtime, "janus", adapter::transport, URI.create(janus + "#" + mountpoint), "mountpoint-" + mountpoint,
                            out);
                }
            }
            try (Feed f = encoreFeed(runtime, key)) {
                return run(runtime, "encore", () -> null, target, show, out);
            }
        }
    }

    /** A running feed: the tone and whatever carries it. */
    private record Feed(StampedTone tone, AutoCloseable carrier) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (tone != null) {
                tone.close();
            }
            if (carrier != null) {
                carrier.close();
            }
        }
    }

    private Feed janusFeed() throws java.io.IOException {
        if (feed.equalsIgnoreCase("none")) {
            return new Feed(null, null);
        }
        int colon = feed.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("feed: " + feed + " (expected: HOST:PORT or none)");
        }
        RtpFeeder feeder = new RtpFeeder(new InetSocketAddress(feed.substring(0, colon), Integer.parseInt(feed.substring(colon + 1))));
        StampedTone tone = new StampedTone(feeder);
        tone.start();
        return new Feed(tone, feeder);
    }

    private Feed encoreFeed(ClientRuntime runtime, String key) throws Exception {
        if (key == null || key.isEmpty()) {
            return new Feed(null, null);
        }
        WebRtcPublisher publisher = WebRtcPublisher.create(runtime, PublisherConfig.builder(target, show).key(key).stereo(true).build());
        publisher.connect().get(20, TimeUnit.SECONDS);
        StampedTone tone = new StampedTone((opus, len) -> publisher.send(opus, 0, len));
        tone.start();
        return new Feed(tone, publisher::close);
    }

    /** Where one listener's signaling goes: null for WHEP to the Encore target. */
    @FunctionalInterface
    private interface Transports {
        SignalingTransport next();
    }

    private int run(ClientRuntime runtime, String server, Transports transports, URI where, String what, PrintWriter out)
            throws InterruptedException {
        out.printf(Locale.ROOT, "%s listener load: %s %s, %d listeners, ramp %s, then %s%n", server, where, what, listeners,
                Durations.format(ramp), Durations.format(duration));
        out.flush();
        Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        LongAdder stamped = new LongAdder();
        long warmUp = TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        RtpPacketListener stamps = (listener, ssrc, seq, ts, payload, off, len, arrival) -> {
            long sent = StampedTone.sendNanos(payload, off, len);
            // the first second of each listener is left out: packets a server queued while the session was set up
            if (sent > 0 && arrival >= sent && arrival - listener.timings().firstPacketNanos() >= warmUp) {
                latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(60), (arrival - sent) / 1000));
                stamped.increment();
            }
        };
        ListenerConfig config = ListenerConfig.builder(target != null ? target : janus, target != null ? show : what)
                .packetListener(stamps).build();
        List<WebRtcListener> group = new ArrayList<>(listeners);
        long rampNanos = ramp.toNanos();
        long t0 = System.nanoTime();
        long end = t0 + rampNanos + duration.toNanos();
        long nextProgress = t0 + TimeUnit.SECONDS.toNanos(1);
        try {
            while (true) {
                long now = System.nanoTime();
                while (group.size() < listeners && now - startTime(t0, rampNanos, group.size()) >= 0) {
                    SignalingTransport transport = transports.next();
                    WebRtcListener l = transport == null ? WebRtcListener.create(runtime, config)
                            : WebRtcListener.create(runtime, config, transport);
                    group.add(l);
                    l.connect();
                }
                if (now - end >= 0) {
                    break;
                }
                if (now - nextProgress >= 0) {
                    progress(group, now - t0, out);
                    nextProgress += TimeUnit.SECONDS.toNanos(1);
                }
                long wake = Math.min(end, nextProgress);
                if (group.size() < listeners) {
                    wake = Math.min(wake, startTime(t0, rampNanos, group.size()));
                }
                TimeUnit.NANOSECONDS.sleep(Math.max(TimeUnit.MILLISECONDS.toNanos(1), wake - System.nanoTime()));
            }
            List<ListenerOutcome> outcomes = new ArrayList<>(group.size());
            for (WebRtcListener l : group) {
                boolean joined = l.timings().dtlsNanos() >= 0;
                String failure = l.failure() != null ? l.failure().reason().name() : joined ? null : "NOT_CONNECTED";
                ListenerStats stats = l.stats();
                outcomes.add(new ListenerOutcome(joined, failure, stats, l.timings()));
            }
            LoadReport report = LoadReport.summarize(listeners, outcomes);
            Histogram h = latency.getIntervalHistogram();
            out.println();
            out.print(report.render());
            out.printf(Locale.ROOT, "one-way latency (%d stamped packets, each listener's first %d s left out): p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms%n", stamped.sum(), WARM_UP_SECONDS, h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            java.util.Map<String, Long> drops = new java.util.TreeMap<>();
            for (ListenerOutcome o : outcomes) {
                if (o.stats() != null) {
                    o.stats().drops().forEach((reason, count) -> drops.merge(reason.name(), count, Long::sum));
                }
            }
            out.println("drops by reason: " + (drops.isEmpty() ? "none" : drops));
            out.printf(Locale.ROOT, "RESULT server=%s listeners=%d joined=%d delivery=%.6f received=%d expected=%d "
                    + "latency_p50_ms=%.1f latency_p99_ms=%.1f exit=%d%n", server, listeners, report.joined(), report.deliveryRatio(),
                    report.packetsReceived(), report.packetsExpected(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, report.exitCode());
            out.flush();
            return report.exitCode();
        } finally {
            List<java.util.concurrent.CompletableFuture<Void>> closing = new ArrayList<>();
            for (WebRtcListener l : group) {
                closing.add(l.closeAsync());
            }
            try {
                java.util.concurrent.CompletableFuture.allOf(closing.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                        .get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                out.println("some listeners did not leave cleanly: " + e);
            }
        }
    }

    private long startTime(long t0, long rampNanos, int i) {
        return listeners <= 1 ? t0 : t0 + (long) ((double) rampNanos * i / listeners);
    }

    private void progress(List<WebRtcListener> group, long elapsedNanos, PrintWriter out) {
        int connected = 0;
        int failed = 0;
        long received = 0;
        long expected = 0;
        for (WebRtcListener l : group) {
            WebRtcListener.State s = l.state();
            if (s == WebRtcListener.State.CONNECTED) {
                connected++;
            } else if (s == WebRtcListener.State.FAILED) {
                failed++;
            }
            received += l.receivedSoFar();
            expected += l.expectedSoFar();
        }
        out.printf(Locale.ROOT, "[%4ds] connected %d/%d  failed %d  delivery %s%n", TimeUnit.NANOSECONDS.toSeconds(elapsedNanos),
                connected, listeners, failed, expected == 0 ? "-" : String.format(Locale.ROOT, "%.4f%%", 100.0 * received / expected));
        out.flush();
    }
}
