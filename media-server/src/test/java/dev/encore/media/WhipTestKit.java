package dev.encore.media;

import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneAnalysis;
import dev.encore.audio.ToneSynth;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.PublisherConfig;
import dev.encore.loadtest.client.SignalingTransport;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.loadtest.client.WebRtcPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A media server on loopback with the project's Java WebRTC client signaling in process (no HTTP): publishers through
 * {@link MediaServer#whip()}, listeners through {@link MediaServer#whep()}, and tone senders that play a sine through Opus
 * at the real 20 ms pace.
 */
final class WhipTestKit implements AutoCloseable {
    /** Unused by the in-process transport; the configs want a base. */
    static final URI NO_HTTP = URI.create("http://127.0.0.1:9");

    final MediaServer server;
    final ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(2, 4, 1, Duration.ofSeconds(5), true));
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);

    WhipTestKit() throws InterruptedException {
        server = MediaServer.start(new MediaServerConfig("127.0.0.1", 0, null, 2));
    }

    SignalingTransport whip(String showId) {
        return SignalingTransport.inProcess(offer -> {
            WhipSession s = server.whip().publish(showId, offer);
            return new SignalingTransport.Answer(s.sessionId(), s.answerSdp());
        }, id -> server.whip().unpublish(showId, id));
    }

    SignalingTransport whep(String showId) {
        return SignalingTransport.inProcess(offer -> {
            WhepSession s = server.whep().subscribe(showId, offer);
            return new SignalingTransport.Answer(s.sessionId(), s.answerSdp());
        }, id -> server.whep().unsubscribe(showId, id));
    }

    /** A publisher of {@code showId}, connected, and the show's publisher on the server too. */
    WebRtcPublisher publisher(String showId) throws Exception {
        WebRtcPublisher p = WebRtcPublisher.create(runtime, PublisherConfig.builder(NO_HTTP, showId)
                .iceTimeout(Duration.ofSeconds(5)).dtlsTimeout(Duration.ofSeconds(5)).build(), whip(showId));
        p.connect().get(10, TimeUnit.SECONDS);
        ShowRouter router = server.showRouter(showId);
        await("the server to take the publisher", () -> router.publisher() != null && router.publisher().session().sessionId()
                .equals(p.location().getSchemeSpecificPart()));
        return p;
    }

    /** A listener of {@code showId}, connected (on the server too), decoding stereo and keeping the last second of PCM. */
    WebRtcListener listener(String showId, ListenerConfig.Builder config) throws Exception {
        WebRtcListener l = WebRtcListener.create(runtime, config.decode(true, Duration.ofSeconds(1))
                .iceTimeout(Duration.ofSeconds(5)).dtlsTimeout(Duration.ofSeconds(5)).build(), whep(showId));
        l.connect().get(10, TimeUnit.SECONDS);
        String id = l.location().getSchemeSpecificPart();
        await("the server to add the listener", () -> server.showRouter(showId).consumerStats().stream()
                .anyMatch(s -> s.id().equals(id)));
        Thread.sleep(50); // its shard's loop adds it to the fan-out list
        return l;
    }

    static ListenerConfig.Builder listenerConfig(String showId) {
        return ListenerConfig.builder(NO_HTTP, showId);
    }

    /** Plays a sine through Opus into {@code publisher}, one frame every 20 ms, until closed. */
    ToneSender play(WebRtcPublisher publisher, double frequency, int bitrate) {
        return new ToneSender(publisher, frequency, bitrate);
    }

    /** Runs {@code task} every 20 ms until the returned future is cancelled. */
    ScheduledFuture<?> every20ms(Runnable task) {
        return clock.scheduleAtFixedRate(task, 0, 20, TimeUnit.MILLISECONDS);
    }

    final class ToneSender implements AutoCloseable {
        private final WebRtcPublisher publisher;
        private final ToneSynth synth;
        private final OpusFrameEncoder encoder;
        private final short[] pcm = new short[960 * 2];
        private final byte[] out = new byte[1275];
        private final AtomicInteger sent = new AtomicInteger();
        private final ScheduledFuture<?> task;

        ToneSender(WebRtcPublisher publisher, double frequency, int bitrate) {
            this.publisher = publisher;
            this.synth = new ToneSynth(frequency, 0.5, true);
            this.encoder = new OpusFrameEncoder(bitrate, true);
            this.task = every20ms(this::tick);
        }

        private synchronized void tick() {
            synth.render(pcm);
            int n = encoder.encode(pcm, out);
            if (publisher.send(out, 0, n)) {
                sent.incrementAndGet();
            }
        }

        int sent() {
            return sent.get();
        }

        @Override
        public void close() {
            task.cancel(false);
            synchronized (this) {
                // waits for a tick in progress
            }
        }
    }

    /** The dominant frequency of the last {@code millis} of the listener's decoded PCM. */
    static double frequency(WebRtcListener listener, int millis) {
        short[] pcm = listener.pcm().snapshot();
        int n = Math.min(pcm.length, millis * 48 * 2);
        return ToneAnalysis.dominantFrequency(Arrays.copyOfRange(pcm, pcm.length - n, pcm.length), 2, 48_000);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, 10_000, condition);
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            clock.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
        server.close();
    }
}
