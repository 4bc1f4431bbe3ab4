package dev.encore.app;

import dev.encore.media.Router;
import dev.encore.media.WhepService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * What the HTTP layer needs from the media server: the {@link dev.encore.media.MediaServer} methods of the same names.
 * An interface so that the HTTP routes can be tested without a media server.
 */
interface MediaBackend {

    WhepService whep();

    Optional<Router> router(String showId);

    PrometheusRegistry metrics();
}
