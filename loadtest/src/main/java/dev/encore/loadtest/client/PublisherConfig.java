package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * What one publisher session publishes to and how. Immutable; build with {@link #builder}. {@link #toString} hides the
 * performer key.
 */
public final class PublisherConfig {
    private final URI base;
    private final String showId;
    private final String key;
    private final boolean stereo;
    private final Duration iceTimeout;
    private final Duration dtlsTimeout;
    private final Duration consentInterval;
    private final Duration consentTimeout;
    private final Duration reportInterval;

    private PublisherConfig(Builder b) {
        this.base = b.base;
        this.showId = b.showId;
        this.key = b.key;
        this.stereo = b.stereo;
        this.iceTimeout = b.iceTimeout;
        this.dtlsTimeout = b.dtlsTimeout;
        this.consentInterval = b.consentInterval;
        this.consentTimeout = b.consentTimeout;
        this.reportInterval = b.reportInterval;
    }

    /** A config for publishing to {@code show} on the server at {@code base} (e.g. {@code http://127.0.0.1:8080}). */
    public static Builder builder(URI base, String showId) {
        return new Builder(base, showId);
    }

    public URI base() {
        return base;
    }

    public String showId() {
        return showId;
    }

    /** The performer key sent as {@code Authorization: Bearer <key>}, or null. A secret. */
    public String key() {
        return key;
    }

    /** Whether the offer asks for stereo Opus. */
    public boolean stereo() {
        return stereo;
    }

    public Duration iceTimeout() {
        return iceTimeout;
    }

    public Duration dtlsTimeout() {
        return dtlsTimeout;
    }

    public Duration consentInterval() {
        return consentInterval;
    }

    public Duration consentTimeout() {
        return consentTimeout;
    }

    /** About how often sender reports go out (RFC 3550 §6.4.1). */
    public Duration reportInterval() {
        return reportInterval;
    }

    @Override
    public String toString() {
        return "PublisherConfig[" + base + ", show=" + showId + ", key=" + (key == null ? "none" : "****") + "]";
    }

    /** Builds a {@link PublisherConfig}; defaults follow the RFCs (ICE 10 s, consent every 5 s and lost after 30 s). */
    public static final class Builder {
        private final URI base;
        private final String showId;
        private String key;
        private boolean stereo = true;
        private Duration iceTimeout = Duration.ofSeconds(10);
        private Duration dtlsTimeout = Duration.ofSeconds(10);
        private Duration consentInterval = Duration.ofSeconds(5);
        private Duration consentTimeout = Duration.ofSeconds(30);
        private Duration reportInterval = Duration.ofSeconds(1);

        private Builder(URI base, String showId) {
            this.base = requireNonNull(base, "base");
            this.showId = requireNonNull(showId, "showId");
        }

        /** The performer key (a secret). */
        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder stereo(boolean stereo) {
            this.stereo = stereo;
            return this;
        }

        public Builder iceTimeout(Duration timeout) {
            this.iceTimeout = positive(timeout, "iceTimeout");
            return this;
        }

        public Builder dtlsTimeout(Duration timeout) {
            this.dtlsTimeout = positive(timeout, "dtlsTimeout");
            return this;
        }

        public Builder consent(Duration interval, Duration timeout) {
            this.consentInterval = positive(interval, "consentInterval");
            this.consentTimeout = positive(timeout, "consentTimeout");
            return this;
        }

        public Builder reportInterval(Duration interval) {
            this.reportInterval = positive(interval, "reportInterval");
            return this;
        }

        public PublisherConfig build() {
            return new PublisherConfig(this);
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
