package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * What one listener session joins and how. Immutable; build with {@link #builder}. {@link #toString} hides the token.
 */
public final class ListenerConfig {
    private final URI base;
    private final String showId;
    private final String token;
    private final RtpPacketListener packetListener;
    private final boolean decode;
    private final boolean stereo;
    private final Duration keepPcm;
    private final Duration iceTimeout;
    private final Duration dtlsTimeout;
    private final Duration consentInterval;
    private final Duration consentTimeout;
    private final Duration reportInterval;

    private ListenerConfig(Builder b) {
        this.base = b.base;
        this.showId = b.showId;
        this.token = b.token;
        this.packetListener = b.packetListener;
        this.decode = b.decode;
        this.stereo = b.stereo;
        this.keepPcm = b.keepPcm;
        this.iceTimeout = b.iceTimeout;
        this.dtlsTimeout = b.dtlsTimeout;
        this.consentInterval = b.consentInterval;
        this.consentTimeout = b.consentTimeout;
        this.reportInterval = b.reportInterval;
    }

    /** A config for {@code show} on the server at {@code base} (e.g. {@code http://127.0.0.1:8080}). */
    public static Builder builder(URI base, String showId) {
        return new Builder(base, showId);
    }

    public URI base() {
        return base;
    }

    public String showId() {
        return showId;
    }

    /** The bearer token, or null. A secret. */
    public String token() {
        return token;
    }

    /** Sees each authenticated RTP packet, or null. */
    public RtpPacketListener packetListener() {
        return packetListener;
    }

    /** Whether to decode the Opus stream and keep the last {@link #keepPcm} of PCM. */
    public boolean decode() {
        return decode;
    }

    /** Decode to stereo (interleaved) rather than mono. */
    public boolean stereo() {
        return stereo;
    }

    public Duration keepPcm() {
        return keepPcm;
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

    public Duration reportInterval() {
        return reportInterval;
    }

    @Override
    public String toString() {
        return "ListenerConfig[" + base + ", show=" + showId + ", token=" + (token == null ? "none" : "****") + ", decode="
                + decode + "]";
    }

    /** Builds a {@link ListenerConfig}; defaults follow the RFCs (ICE 10 s, consent every 5 s and lost after 30 s). */
    public static final class Builder {
        private final URI base;
        private final String showId;
        private String token;
        private RtpPacketListener packetListener;
        private boolean decode;
        private boolean stereo = true;
        private Duration keepPcm = Duration.ofSeconds(2);
        private Duration iceTimeout = Duration.ofSeconds(10);
        private Duration dtlsTimeout = Duration.ofSeconds(10);
        private Duration consentInterval = Duration.ofSeconds(5);
        private Duration consentTimeout = Duration.ofSeconds(30);
        private Duration reportInterval = Duration.ofSeconds(1);

        private Builder(URI base, String showId) {
            this.base = requireNonNull(base, "base");
            this.showId = requireNonNull(showId, "showId");
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder packetListener(RtpPacketListener packetListener) {
            this.packetListener = packetListener;
            return this;
        }

        /** Decode with Opus and keep the last {@code keep} of PCM for analysis ({@link WebRtcListener#pcm()}). */
        public Builder decode(boolean stereo, Duration keep) {
            this.decode = true;
            this.stereo = stereo;
            this.keepPcm = positive(keep, "keep");
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

        public ListenerConfig build() {
            return new ListenerConfig(this);
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
