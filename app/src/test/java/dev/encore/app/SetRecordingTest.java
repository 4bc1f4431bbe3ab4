package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.recording.RecordingStatus;
import dev.encore.show.ShowConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 end to end: the real server records a set played by the in-process performer (started, next, ended through the
 * performer action API) into {@code <data-dir>/recordings}; ffprobe judges the file; {@code encore clip --song 1} makes an
 * MP4 of it. A missing /usr/bin/ffprobe fails the test.
 */
class SetRecordingTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSetIsRecordedWithChaptersAndClipped(@TempDir Path dataDir) throws Exception {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig demo = DemoShow.config();
        String key = demo.performerKey().reveal();
        Path recordings = dataDir.resolve("recordings");
        try (EncoreServer server = EncoreServer.start(new EncoreServer.Options("127.0.0.1", 0, 0, null, dataDir), List.of(demo));
                SyntheticPerformer performer = DemoShow.startPerformer(demo, server.router(DemoShow.ID).orElseThrow())) {
            String base = "http://127.0.0.1:" + server.httpPort();
            Thread.sleep(300); // the performer is on air before the set starts: nothing is recorded before it
            assertThat(server.recording(DemoShow.ID)).isEmpty();

            action(base, key, "set.start");
            Thread.sleep(3000);
            action(base, key, "set.next");
            Thread.sleep(2000);
            JsonNode live = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/shows/demo/performer")).header("Authorization", "Bearer " + key).GET().build(),
                    BodyHandlers.ofString()).body());
            action(base, key, "set.end");

            assertThat(live.path("recording").path("state").asText()).isEqualTo("recording");
            assertThat(live.path("recording").path("file").asText()).startsWith("demo-run").endsWith(".opus");
            assertThat(live.path("recording").path("seconds").asDouble()).isBetween(3.5, 5.5);
            assertThat(live.path("recording").path("bytes").asLong()).isPositive();
            assertThat(live.path("recording").path("dropped").asLong()).isZero();
            assertThat(live.path("recording").path("error").isNull()).isTrue();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.recording(DemoShow.ID).orElseThrow().state() != RecordingStatus.State.CLOSED
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(server.recording(DemoShow.ID).orElseThrow().state()).isEqualTo(RecordingStatus.State.CLOSED);
        }

        List<Path> files;
        try (Stream<Path> list = Files.list(recordings)) {
            files = list.filter(p -> p.toString().endsWith(".opus")).toList();
        }
        assertThat(files).hasSize(1);
        Path recording = files.get(0);
        String probe = Ffprobe.probe(recording);
        assertThat(probe).contains("streams.stream.0.codec_name=\"opus\"");
        assertThat(Ffprobe.value(probe, "format.duration")).isCloseTo(5.0, within(0.5));

        JsonNode sidecar = new ObjectMapper().readTree(recording.resolveSibling(
                recording.getFileName().toString().replace(".opus", ".chapters.json")).toFile());
        assertThat(sidecar.path("complete").asBoolean()).isTrue();
        JsonNode chapters = sidecar.path("chapters");
        assertThat(chapters.size()).isEqualTo(2);
        assertThat(chapters.get(0).path("title").asText()).isEqualTo(DemoShow.SONGS.get(0));
        assertThat(chapters.get(0).path("offsetMillis").asLong()).isZero();
        assertThat(chapters.get(1).path("title").asText()).isEqualTo(DemoShow.SONGS.get(1));
        assertThat(chapters.get(1).path("offsetMillis").asLong()).isBetween(2500L, 3500L);

        Path clip = dataDir.resolve("song1.mp4");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"clip", "--show", DemoShow.ID, "--data-dir", dataDir.toString(), "--song", "1",
            "--out", clip.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("song1.mp4").contains("h264 + opus");
        String clipProbe = Ffprobe.probe(clip);
        assertThat(clipProbe).contains("codec_name=\"h264\"").contains("codec_name=\"opus\"");
        double song1 = chapters.get(1).path("offsetMillis").asLong() / 1000.0;
        assertThat(Ffprobe.value(clipProbe, "format.duration")).isCloseTo(song1, within(0.1));

        StringWriter err2 = new StringWriter();
        int outOfRange = Main.run(new String[] {"clip", "--show", DemoShow.ID, "--data-dir", dataDir.toString(), "--song",
            "4", "--out", clip.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err2));
        assertThat(outOfRange).isEqualTo(Main.EXIT_USAGE);
        assertThat(err2.toString()).contains("--song 4: not played in").contains("(expected: one of 1, 2)");
    }

    @Test
    void clipWithoutARecordingOrWithMixedOptionsFails(@TempDir Path dataDir) {
        StringWriter err = new StringWriter();
        int none = Main.run(new String[] {"clip", "--show", "demo", "--data-dir", dataDir.toString(), "--song", "1"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(none).isEqualTo(ClipCommand.EXIT_FAILED);
        assertThat(err.toString()).contains("no recordings in " + dataDir);

        StringWriter err2 = new StringWriter();
        int mixed = Main.run(new String[] {"clip", "--show", "demo", "--data-dir", dataDir.toString(), "--song", "1",
            "--from", "1", "--to", "2"}, new PrintWriter(new StringWriter()), new PrintWriter(err2));
        assertThat(mixed).isEqualTo(Main.EXIT_USAGE);
        assertThat(err2.toString()).contains("(expected: either --song N or --from S --to S)");
    }

    private void action(String base, String key, String type) throws Exception {
        var response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/shows/demo/actions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + type + "\",\"v\":1}")).build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
