package dev.encore.recording.clip;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What to render: which span of which recording, what the title card says, and how big the picture is. Immutable; build
 * with {@link #builder(Path)}.
 */
public final class ClipRequest {
    /** The default cap on a clip's length (issue 7: {@code highlights.maxSeconds}). */
    public static final double DEFAULT_MAX_SECONDS = 60;
    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 360;
    private static final int MAX_SIDE = 1920;

    private final Path recording;
    private final String showTitle;
    private final String songTitle;
    private final String performer;
    private final Path coverImage;
    private final double fromSeconds;
    private final double toSeconds;
    private final double maxSeconds;
    private final int width;
    private final int height;

    private ClipRequest(Builder b) {
        this.recording = b.recording;
        this.showTitle = b.showTitle;
        this.songTitle = b.songTitle;
        this.performer = b.performer;
        this.coverImage = b.coverImage;
        this.fromSeconds = b.fromSeconds;
        this.toSeconds = b.toSeconds;
        this.maxSeconds = b.maxSeconds;
        this.width = b.width;
        this.height = b.height;
    }

    /** A request for a clip of {@code recording}, the set's Ogg Opus file. */
    public static Builder builder(Path recording) {
        return new Builder(requireNonNull(recording, "recording"));
    }

    public Path recording() {
        return recording;
    }

    public String showTitle() {
        return showTitle;
    }

    public String songTitle() {
        return songTitle;
    }

    public String performer() {
        return performer;
    }

    /** The show's cover (PNG or JPEG); empty for a generated card. */
    public Optional<Path> coverImage() {
        return Optional.ofNullable(coverImage);
    }

    public double fromSeconds() {
        return fromSeconds;
    }

    /** Where the span asked for ends (before {@link #maxSeconds()} trims it). */
    public double toSeconds() {
        return toSeconds;
    }

    public double maxSeconds() {
        return maxSeconds;
    }

    /** Where the clip ends: {@link #toSeconds()}, trimmed to at most {@link #maxSeconds()} after the start. */
    public double effectiveToSeconds() {
        return Math.min(toSeconds, fromSeconds + maxSeconds);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ClipRequest{%s, %.2f–%.2f s (max %.0f s), %dx%d, song=%s, cover=%s}", recording,
                fromSeconds, toSeconds, maxSeconds, width, height, songTitle, coverImage);
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final Path recording;
        private String showTitle = "";
        private String songTitle = "";
        private String performer = "";
        private Path coverImage;
        private double fromSeconds = Double.NaN;
        private double toSeconds = Double.NaN;
        private double maxSeconds = DEFAULT_MAX_SECONDS;
        private int width = DEFAULT_WIDTH;
        private int height = DEFAULT_HEIGHT;

        private Builder(Path recording) {
            this.recording = recording;
        }

        public Builder showTitle(String showTitle) {
            this.showTitle = requireNonNull(showTitle, "showTitle");
            return this;
        }

        public Builder songTitle(String songTitle) {
            this.songTitle = requireNonNull(songTitle, "songTitle");
            return this;
        }

        public Builder performer(String performer) {
            this.performer = requireNonNull(performer, "performer");
            return this;
        }

        /** The show's cover image (PNG or JPEG); {@code null} for a generated card. */
        public Builder coverImage(Path coverImage) {
            this.coverImage = coverImage;
            return this;
        }

        /** The span {@code [fromSeconds, toSeconds)} of the recording, in seconds from its start. */
        public Builder span(double fromSeconds, double toSeconds) {
            if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds) || Double.isInfinite(toSeconds)) {
                throw new IllegalArgumentException("span: " + fromSeconds + "–" + toSeconds
                        + " s (expected: 0 <= from < to, finite)");
            }
            this.fromSeconds = fromSeconds;
            this.toSeconds = toSeconds;
            return this;
        }

        /** Trims the clip to at most this many seconds from its start (default 60). */
        public Builder maxSeconds(double maxSeconds) {
            if (!(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
                throw new IllegalArgumentException("maxSeconds: " + maxSeconds + " (expected: > 0, finite)");
            }
            this.maxSeconds = maxSeconds;
            return this;
        }

        /** The picture size: even numbers (4:2:0 video), 64 to 1920 pixels (default 640x360). */
        public Builder size(int width, int height) {
            if (width % 2 != 0 || height % 2 != 0 || width < 64 || height < 64 || width > MAX_SIDE || height > MAX_SIDE) {
                throw new IllegalArgumentException("size: " + width + "x" + height
                        + " (expected: even width and height, 64 to " + MAX_SIDE + ")");
            }
            this.width = width;
            this.height = height;
            return this;
        }

        public ClipRequest build() {
            if (Double.isNaN(fromSeconds)) {
                throw new IllegalStateException("no span (expected: span(from, to) before build())");
            }
            return new ClipRequest(this);
        }
    }
}
