package dev.encore.app;

import dev.encore.media.Router;
import dev.encore.media.RouterStatus;
import dev.encore.media.WhepService;
import dev.encore.media.WhipService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/** No media server, for HTTP tests of routes that never touch it. */
final class NoMedia implements MediaBackend {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    @Override
    public WhepService whep() {
        throw new UnsupportedOperationException("no media in this test");
    }

    @Override
    public WhipService whip() {
        throw new UnsupportedOperationException("no media in this test");
    }

    @Override
    public Optional<Router> router(String showId) {
        return Optional.empty();
    }

    @Override
    public Optional<RouterStatus> status(String showId) {
        return Optional.empty();
    }

    @Override
    public PrometheusRegistry metrics() {
        return registry;
    }
}
