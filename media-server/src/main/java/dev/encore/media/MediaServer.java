package dev.encore.media;

import dev.encore.show.ShowConfig;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The media server: one UDP port for every peer, routers per show, WHEP sessions, (S)RTP ingest ports.
 */
public final class MediaServer implements AutoCloseable {

    /** Binds the media port and starts the event loops. */
    public static MediaServer start(MediaServerConfig config) throws InterruptedException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Adds a show: its router and, when the show file has {@code ingest.rtp}, its (S)RTP ingest port. */
    public Router addShow(ShowConfig show) throws InterruptedException {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Router> router(String showId) {
        throw new UnsupportedOperationException("TODO");
    }

    public WhepService whep() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The bound media port's address. */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The metrics registry holding the media server's counters and histograms (Prometheus). */
    public io.prometheus.metrics.model.registry.PrometheusRegistry metrics() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
