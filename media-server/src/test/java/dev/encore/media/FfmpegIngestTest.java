package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.encore.audio.ToneAnalysis;
import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.RtpIngestSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real performer rig: Debian's ffmpeg encodes a 440 Hz sine with libopus and pushes it as SRTP
 * (AES_CM_128_HMAC_SHA1_80, RFC 3711, pre-shared key as {@code -srtp_out_params}) to a show's ingest port on 127.0.0.1;
 * the project's Java client, joined over WHEP/ICE/DTLS-SRTP, decodes what the server relays. With a wrong key, nothing
 * reaches the listener and the server counts the packets as {@code srtp_auth} drops.
 */
class FfmpegIngestTest {
    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    private static final String SHOW = "ffmpeg";
    private static final double TONE_HZ = 440;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path temp;

    @Test
    void listenerDecodesTheToneFfmpegSendsAsSrtp() throws Exception {
        String key = randomKey();
        try (LoopbackRig rig = LoopbackRig.start(show(key))) {
            WebRtcListener listener = WebRtcListener.create(rig.runtime(),
                    ListenerConfig.builder(rig.base(), SHOW).decode(true, Duration.ofSeconds(1)).build());
            try {
                listener.connect().get(15, TimeUnit.SECONDS);
                Map<String, Double> dropsBefore = rig.drops();
                int port = rig.server().ingestAddress(SHOW).orElseThrow().getPort();
                // 4 s of tone: the listener analyses a second of it while it still plays.
                Ffmpeg ffmpeg = Ffmpeg.start(temp, key, port, 4);
                try {
                    LoopbackRig.await(() -> listener.stats().decodedFrames() >= 100, Duration.ofSeconds(15),
                            () -> "100 frames decoded; listener " + listener.stats() + "; ffmpeg " + ffmpeg.describe());
                    short[] pcm = listener.pcm().snapshot();
                    assertThat(pcm).hasSize(48_000 * 2);
                    assertThat(ToneAnalysis.dominantFrequency(pcm, 2, 48_000)).as(ffmpeg.describe()).isCloseTo(TONE_HZ, within(5.0));
                    assertThat(ToneAnalysis.rmsDbfs(pcm, 2, 0)).as("level of the decoded tone (dBFS)").isGreaterThan(-40.0);

                    assertThat(ffmpeg.waitFor(Duration.ofSeconds(15))).as(ffmpeg.describe()).isZero();
                } finally {
                    ffmpeg.kill();
                }
                double packetsIn = rig.counter("encore_media_packets_in", "show", SHOW);
                // The listener got everything the router accepted (nothing in flight is left after a quiet 300 ms).
                LoopbackRig.settle(() -> listener.stats().packets(), Duration.ofMillis(300), Duration.ofSeconds(3));
                ListenerStats stats = listener.stats();
                assertThat(packetsIn).as("encore_media_packets_in{show=ffmpeg}").isGreaterThanOrEqualTo(150);
                assertThat(rig.counter("encore_media_bytes_in", "show", SHOW)).isGreaterThan(150 * 100);
                assertThat(rig.counter("encore_media_packets_out", "show", SHOW)).isEqualTo(packetsIn);
                assertThat(stats.packets()).as("listener %s", stats).isEqualTo((long) packetsIn);
                assertThat(stats.lost()).isZero();
                assertThat(stats.drops(DropReason.AUTH)).isZero();
                assertThat(stats.drops(DropReason.REPLAY)).isZero();
                assertThat(stats.drops(DropReason.SRTP_MALFORMED)).isZero();
                assertThat(stats.decodeErrors()).isZero();
                // ffmpeg's packets all authenticated, were fresh and within the show's rate.
                assertThat(LoopbackRig.delta(dropsBefore, rig.drops())).as("drops while ffmpeg sent").isEmpty();
                assertThat(rig.problems()).isEmpty();
            } finally {
                listener.close();
            }
        }
    }

    @Test
    void ffmpegWithTheWrongKeyIsDroppedAsSrtpAuthAndTheListenerGetsNothing() throws Exception {
        String key = randomKey();
        String wrong = randomKey();
        try (LoopbackRig rig = LoopbackRig.start(show(key))) {
            WebRtcListener listener = WebRtcListener.create(rig.runtime(),
                    ListenerConfig.builder(rig.base(), SHOW).decode(true, Duration.ofSeconds(1)).build());
            try {
                listener.connect().get(15, TimeUnit.SECONDS);
                Map<String, Double> dropsBefore = rig.drops();
                int port = rig.server().ingestAddress(SHOW).orElseThrow().getPort();
                Ffmpeg ffmpeg = Ffmpeg.start(temp, wrong, port, 1);
                try {
                    assertThat(ffmpeg.waitFor(Duration.ofSeconds(15))).as(ffmpeg.describe()).isZero();
                } finally {
                    ffmpeg.kill();
                }
                // 1 s of 20 ms frames: about 50 packets, each failing its HMAC-SHA1-80 tag (RFC 3711 §3.3).
                LoopbackRig.await(() -> rig.counter("encore_dropped_packets", "reason", "srtp_auth") >= 45, Duration.ofSeconds(5),
                        () -> "srtp_auth drops; drops " + rig.drops());
                long authDrops = LoopbackRig.settle(() -> Math.round(rig.counter("encore_dropped_packets", "reason", "srtp_auth")),
                        Duration.ofMillis(300), Duration.ofSeconds(3));
                Map<String, Long> delta = LoopbackRig.delta(dropsBefore, rig.drops());
                assertThat(delta).as("drops while ffmpeg sent with the wrong key").containsOnlyKeys("srtp_auth");
                assertThat(authDrops).isBetween(45L, 60L);
                assertThat(rig.counter("encore_media_packets_in", "show", SHOW)).isZero();
                assertThat(rig.counter("encore_media_packets_out", "show", SHOW)).isZero();
                ListenerStats stats = listener.stats();
                assertThat(stats.packets()).as("listener %s", stats).isZero();
                assertThat(stats.decodedFrames()).isZero();
                assertThat(stats.totalDrops()).isZero();
                assertThat(listener.state()).isEqualTo(WebRtcListener.State.CONNECTED);
                assertThat(rig.problems()).isEmpty();
            } finally {
                listener.close();
            }
        }
    }

    private static ShowConfig show(String srtpKey) {
        return new ShowConfig(null, SHOW, "ffmpeg rig", Secret.of("performer-key-for-tests-only"), AccessMode.OPEN,
                new AudioSettings(96_000, true), new RtpIngestSettings("127.0.0.1", 0, Secret.of(srtpKey)));
    }

    /** A fresh AES_CM_128_HMAC_SHA1_80 master key||salt (16 + 14 bytes), base64 as ffmpeg's -srtp_out_params takes it. */
    private static String randomKey() {
        byte[] key = new byte[30];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The ffmpeg process: a {@code -re} lavfi sine, libopus, {@code -f rtp} to {@code srtp://127.0.0.1:port}. */
    private static final class Ffmpeg {
        private final Process process;
        private final Path stderr;

        private Ffmpeg(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        static Ffmpeg start(Path dir, String key, int port, int seconds) throws IOException {
            if (!Files.isExecutable(FFMPEG)) {
                fail(FFMPEG + " is missing (expected: Debian's ffmpeg with libopus); run scripts/install-test-deps.sh");
            }
            Path stderr = Files.createTempFile(dir, "ffmpeg", ".log");
            // ffmpeg's RTP muxer picks payload type 97 for Opus (a dynamic one, RFC 3551 §3); the server accepts any 96..127.
            List<String> command = List.of(FFMPEG.toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
                    "-ac", "2", "-c:a", "libopus", "-b:a", "96k", "-application", "audio",
                    "-f", "rtp", "-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", key,
                    "srtp://127.0.0.1:" + port);
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile()).start();
            return new Ffmpeg(process, stderr);
        }

        /** The exit code, or -1 if ffmpeg is still running after {@code timeout}. */
        int waitFor(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }

        /** Whether ffmpeg runs or its exit code, and what it wrote to stderr (the key is never on it at -loglevel error). */
        String describe() {
            String log;
            try {
                log = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                log = "(stderr unreadable: " + e.getMessage() + ")";
            }
            return (process.isAlive() ? "running" : "exited " + process.exitValue()) + ", stderr: "
                    + (log.isEmpty() ? "(empty)" : log);
        }
    }
}
