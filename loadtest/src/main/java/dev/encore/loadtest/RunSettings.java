package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Everything one load run needs, checked: where (an Encore {@code target} and {@code show}, or any {@code whep} URL), who
 * arrives when ({@link Arrivals}), how long they stay, churn, the synthetic performer, interaction, objectives, report.
 * Immutable; {@link #toString} hides the token and the performer key.
 *
 * @param target the Encore server's HTTP base URL, or null with {@code whep}
 * @param showId the show, or null with {@code whep}
 * @param whep a WHEP endpoint of any server (listeners only), or null
 * @param arrivals when listeners arrive
 * @param duration how long they stay once every arrival is due
 * @param churn the fraction of the listeners that leave (and rejoin {@link #REJOIN_AFTER} later as new sessions) per
 *     {@code churnPeriod}, spread evenly over it, during the hold; 0 for none
 * @param churnPeriod the churn's period
 * @param publish whether the tool publishes the synthetic performer
 * @param performerKey the show's performer key (a secret), or null
 * @param token a join token for token shows (a secret), or null
 * @param voters the fraction of listeners that also join the show channel and vote in the tool's polls
 * @param requesters the fraction that also submit and upvote song requests
 * @param decodeSample the fraction of listeners that decode Opus and check the signal (at least one)
 * @param slo the objectives
 * @param reportDir where the report goes, or null
 * @param eventLoops client event loops (0: one per core)
 * @param dtlsThreads DTLS handshakes in progress at once (threads; they compute on a few CPU turns)
 * @param media whether each arrival is a WebRTC listener, or only joins the show channel (the poll benchmark)
 * @param arguments the command line's arguments as given, for the report, secrets masked
 */
public record RunSettings(URI target, String showId, URI whep, Arrivals arrivals, Duration duration, double churn,
        Duration churnPeriod, Publish publish, String performerKey, String token, double voters, double requesters,
        double decodeSample, Slo slo, Path reportDir, int eventLoops, int dtlsThreads, Media media, List<String> arguments) {

    /** A churned listener comes back this long after leaving. */
    public static final Duration REJOIN_AFTER = Duration.ofSeconds(1);

    /** What the tool publishes. */
    public enum Publish {
        /** A tone over WHIP, each packet carrying its send time ({@link SendStamp}). */
        SYNTHETIC,
        /** Nothing: listen to whoever performs (no one-way latency then). */
        NONE
    }

    /** What each arrival is. */
    public enum Media {
        /** A WebRTC listener (WHEP, ICE, DTLS-SRTP, audio); voters and requesters also join the show channel. */
        WEBRTC,
        /**
         * No audio: every arrival joins only the show channel (receives its broadcasts; votes and requests as chosen). The
         * poll and request benchmark: the show channel's load without the media server's.
         */
        NONE
    }

    public RunSettings {
        requireNonNull(arrivals, "arrivals");
        requireNonNull(media, "media");
        requireNonNull(duration, "duration");
        requireNonNull(churnPeriod, "churnPeriod");
        requireNonNull(publish, "publish");
        requireNonNull(slo, "slo");
        arguments = List.copyOf(requireNonNull(arguments, "arguments"));
        if ((target == null) == (whep == null)) {
            throw new IllegalArgumentException("target: " + (target == null ? "none" : target) + ", whep: "
                    + (whep == null ? "none" : whep) + " (expected: either --target URL --show ID, or --whep URL)");
        }
        if (target != null) {
            checkHttp("target", target);
            if (showId == null || showId.isBlank()) {
                throw new IllegalArgumentException("show: none (expected: --show ID with --target)");
            }
        } else {
            checkHttp("whep", whep);
            if (publish == Publish.SYNTHETIC) {
                throw new IllegalArgumentException("publish: synthetic with --whep (expected: --publish none: the tool"
                        + " publishes over WHIP to an Encore --target only)");
            }
            if (voters > 0 || requesters > 0) {
                throw new IllegalArgumentException("voters/requesters with --whep (expected: an Encore --target and --show:"
                        + " the show channel is Encore's)");
            }
        }
        if (publish == Publish.SYNTHETIC && (performerKey == null || performerKey.isEmpty())) {
            throw new IllegalArgumentException("performer key: none (expected: --performer-key KEY or $ENCORE_PERFORMER_KEY"
                    + " with --publish synthetic; or --publish none)");
        }
        if ((voters > 0 || requesters > 0) && (performerKey == null || performerKey.isEmpty())) {
            throw new IllegalArgumentException("performer key: none (expected: --performer-key KEY or $ENCORE_PERFORMER_KEY"
                    + " with --voters or --requesters: the tool opens the polls as the performer)");
        }
        if (media == Media.NONE) {
            if (target == null) {
                throw new IllegalArgumentException("media: none with --whep (expected: an Encore --target and --show: without"
                        + " audio the audience joins Encore's show channel)");
            }
            if (voters <= 0 && requesters <= 0) {
                throw new IllegalArgumentException("media: none without voters or requesters (expected: --voters and/or"
                        + " --requesters > 0: without audio the run measures the show channel)");
            }
            if (churn > 0) {
                throw new IllegalArgumentException("churn with media none (expected: --churn 0: churn is for WebRTC listeners)");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + Durations.format(duration) + " (expected: > 0)");
        }
        fraction("churn", churn);
        fraction("voters", voters);
        fraction("requesters", requesters);
        fraction("decode sample", decodeSample);
        if (churn > 0 && (churnPeriod.isNegative() || churnPeriod.isZero())) {
            throw new IllegalArgumentException("churn period: " + Durations.format(churnPeriod) + " (expected: > 0)");
        }
        if (target != null && "https".equalsIgnoreCase(target.getScheme()) && (voters > 0 || requesters > 0)) {
            throw new IllegalArgumentException("voters/requesters with an https target (expected: http: the tool's show"
                    + " channel client speaks ws://, not wss://)");
        }
        if (eventLoops < 0 || dtlsThreads < 1) {
            throw new IllegalArgumentException("event loops " + eventLoops + ", dtls threads " + dtlsThreads
                    + " (expected: >= 0 and >= 1)");
        }
    }

    private static void checkHttp(String name, URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(name + ": " + uri + " (expected: an http:// or https:// URL)");
        }
    }

    private static void fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a fraction 0..1, or a percentage such as 10%)");
        }
    }

    /** The show channel's URL: {@code ws://host:port/ws/{show}}. */
    public URI showChannel() {
        String base = target.toString().replaceFirst("(?i)^http", "ws");
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/ws/" + java.net.URLEncoder.encode(showId, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The command line for people and the report: {@code loadtest ARGS...}. */
    public String commandLine() {
        return "loadtest " + String.join(" ", arguments);
    }

    /** Total arrivals planned (churn rejoins excluded). */
    public int listeners() {
        return arrivals.count();
    }

    @Override
    public String toString() {
        return "RunSettings[" + (target != null ? target + " show " + showId : "whep " + whep) + ", " + arrivals + ", duration "
                + Durations.format(duration) + ", churn " + churn + "/" + Durations.format(churnPeriod) + ", publish " + publish
                + ", performerKey " + (performerKey == null ? "none" : "****") + ", token " + (token == null ? "none" : "****")
                + ", voters " + voters + ", requesters " + requesters + ", media " + media + ", slo " + slo + "]";
    }
}
