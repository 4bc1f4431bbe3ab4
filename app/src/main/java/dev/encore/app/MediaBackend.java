package dev.encore.app;

import dev.encore.media.Router;
import dev.encore.media.RouterStatus;
import dev.encore.media.WhepService;
import dev.encore.media.WhipService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * What the HTTP layer needs from the media server: the {@link dev.encore.media.MediaServer} methods of the same names.
 * An interface so that the HTTP routes can be tested without a media server.
 */
interface MediaBackend {

    WhepService whep();

    WhipService whip();

    Optional<Router> router(String showId);

    /** The show's router status ({@code Router.status()}), or empty for a show the media server doesn't serve. */
    Optional<RouterStatus> status(String showId);

    PrometheusRegistry metrics();
}
