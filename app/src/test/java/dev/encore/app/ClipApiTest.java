package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.recording.RecordingStatus;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clip API (issue 7) over real HTTP on 127.0.0.1: the real server records a two-song set played by the in-process
 * synthetic performer (started, next, ended through the performer action API); clips of it are asked for, polled, fetched
 * and judged by ffprobe. A second show, {@code quiet}, has played no set. A missing /usr/bin/ffprobe fails the test.
 */
class ClipApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUIET_KEY = "quiet-performer-key-0123456789";
    private static final ShowConfig QUIET = new ShowConfig(null, "quiet", "Quiet", Secret.of(QUIET_KEY), AccessMode.OPEN,
            new AudioSettings(96_000, true), null);
    /** One Opus frame: what "the requested duration" may be off by. */
    private static final double FRAME = 0.021;

    @TempDir
    static Path dataDir;
    static EncoreServer server;
    static String base;
    static String key;
    /** The recording of the set, as GET /recordings lists it. */
    static JsonNode recording;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void playASet() throws Exception {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        ShowConfig demo = DemoShow.config();
        key = demo.performerKey().reveal();
        server = EncoreServer.start(new EncoreServer.Options("127.0.0.1", 0, 0, null, dataDir), List.of(demo, QUIET));
        base = "http://127.0.0.1:" + server.httpPort();
        try (SyntheticPerformer performer = DemoShow.startPerformer(demo, server.router(DemoShow.ID).orElseThrow())) {
            Thread.sleep(300);
            action("set.start");
            Thread.sleep(3000);
            action("set.next");
            Thread.sleep(2000);
            action("set.end");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.recording(DemoShow.ID).orElseThrow().state() != RecordingStatus.State.CLOSED
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        HttpResponse<String> list = send(get("/api/shows/demo/recordings", key));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode recordings = JSON.readTree(list.body()).path("recordings");
        assertThat(recordings.size()).isEqualTo(1);
        recording = recordings.get(0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void recordingsListTheSetWithItsSongs() {
        assertThat(recording.path("name").asText()).startsWith("demo-run").doesNotEndWith(".opus");
        assertThat(recording.path("complete").asBoolean()).isTrue();
        assertThat(recording.path("durationSeconds").asDouble()).as("3 s + 2 s, give or take a busy machine").isBetween(4.5, 8.0);
        assertThat(recording.path("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode chapters = recording.path("chapters");
        assertThat(chapters.size()).isEqualTo(2);
        assertThat(chapters.get(0).path("song").asInt()).isEqualTo(1);
        assertThat(chapters.get(0).path("title").asText()).isEqualTo(DemoShow.SONGS.get(0));
        assertThat(chapters.get(0).path("fromSeconds").asDouble()).isZero();
        assertThat(chapters.get(1).path("song").asInt()).isEqualTo(2);
        assertThat(chapters.get(1).path("title").asText()).isEqualTo(DemoShow.SONGS.get(1));
        assertThat(chapters.get(1).path("fromSeconds").asDouble()).isBetween(2.5, 4.5);
        assertThat(chapters.get(1).path("toSeconds").asDouble()).isEqualTo(recording.path("durationSeconds").asDouble());
    }

    @Test
    void aSongClipIsRenderedOffTheEventLoopAndServedAsMp4() throws Exception {
        JsonNode song2 = recording.path("chapters").get(1);
        HttpResponse<String> created = send(post("/api/shows/demo/clips", key, "{\"song\": 2}"));
        // While it renders, another clip is refused rather than queued.
        HttpResponse<String> second = send(post("/api/shows/demo/clips", key, "{\"song\": 1}"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode clip = JSON.readTree(created.body());
        assertThat(clip.path("id").asText()).matches("[0-9a-f]{12}");
        assertThat(clip.path("state").asText()).isEqualTo("rendering");
        assertThat(clip.path("song").asInt()).isEqualTo(2);
        assertThat(clip.path("title").asText()).isEqualTo(DemoShow.SONGS.get(1));
        assertThat(clip.path("recording").asText()).isEqualTo(recording.path("name").asText());
        assertThat(clip.path("url").isNull()).isTrue();
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.body()).startsWith("a clip is rendering on this server")
                .contains("(expected: one clip at a time; ask again when it is ready)");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("5");

        JsonNode ready = awaitReady(clip.path("id").asText());
        double expected = song2.path("toSeconds").asDouble() - song2.path("fromSeconds").asDouble();
        assertThat(ready.path("durationSeconds").asDouble()).isCloseTo(expected, within(FRAME));
        assertThat(ready.path("error").isNull()).isTrue();
        assertThat(ready.path("finishedAt").asText()).isNotEmpty();
        String url = ready.path("url").asText();
        assertThat(url).isEqualTo("/api/shows/demo/clips/" + clip.path("id").asText() + ".mp4");

        HttpResponse<byte[]> mp4 = CLIENT.send(get(url, key), BodyHandlers.ofByteArray());
        assertThat(mp4.statusCode()).isEqualTo(200);
        assertThat(mp4.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(mp4.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat((long) mp4.body().length).isEqualTo(ready.path("bytes").asLong());
        Path file = dataDir.resolve("fetched.mp4");
        Files.write(file, mp4.body());
        String probe = Ffprobe.probe(file);
        assertThat(probe).contains("streams.stream.0.codec_name=\"h264\"").contains("streams.stream.1.codec_name=\"opus\"");
        assertThat(Ffprobe.value(probe, "format.duration")).isCloseTo(expected, within(FRAME));

        // One byte range (a <video> seeking); past the end is 416.
        HttpResponse<byte[]> part = CLIENT.send(HttpRequest.newBuilder(URI.create(base + url))
                .header("Authorization", "Bearer " + key).header("Range", "bytes=100-199").GET().build(),
                BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + mp4.body().length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(mp4.body(), 100, 200));
        HttpResponse<String> past = send(HttpRequest.newBuilder(URI.create(base + url))
                .header("Authorization", "Bearer " + key).header("Range", "bytes=" + mp4.body().length + "-").GET().build());
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + mp4.body().length);

        // The clip is in <data-dir>/clips under its own name, whole, with its list entry beside it; nothing half-written.
        assertThat(dataDir.resolve("clips/demo-clip-" + clip.path("id").asText() + ".mp4")).hasBinaryContent(mp4.body());
        assertThat(dataDir.resolve("clips/demo-clip-" + clip.path("id").asText() + ".json")).isRegularFile();
        assertThat(clipFiles()).noneMatch(name -> name.endsWith(".tmp"));
    }

    @Test
    void aSpanClipHasTheRequestedDuration() throws Exception {
        HttpResponse<String> created = send(post("/api/shows/demo/clips", key,
                "{\"from\": \"0:01\", \"to\": \"0:03.5\", \"recording\": \"" + recording.path("name").asText() + "\"}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode clip = JSON.readTree(created.body());
        assertThat(clip.path("song").isNull()).isTrue();
        assertThat(clip.path("title").asText()).as("the song it starts in").isEqualTo(DemoShow.SONGS.get(0));
        assertThat(clip.path("fromSeconds").asDouble()).isEqualTo(1.0);
        assertThat(clip.path("durationSeconds").asDouble()).isEqualTo(2.5);

        JsonNode ready = awaitReady(clip.path("id").asText());
        HttpResponse<byte[]> mp4 = CLIENT.send(get(ready.path("url").asText(), key), BodyHandlers.ofByteArray());
        Path file = dataDir.resolve("span.mp4");
        Files.write(file, mp4.body());
        String probe = Ffprobe.probe(file);
        assertThat(probe).contains("codec_name=\"h264\"").contains("codec_name=\"opus\"");
        assertThat(Ffprobe.value(probe, "format.duration")).isCloseTo(2.5, within(FRAME));

        JsonNode list = JSON.readTree(send(get("/api/shows/demo/clips", key)).body());
        assertThat(list.path("show").asText()).isEqualTo("demo");
        assertThat(list.path("clips").get(0).path("id").asText()).as("newest first").isEqualTo(clip.path("id").asText());
        assertThat(JSON.readTree(send(get("/api/shows/quiet/clips", QUIET_KEY)).body()).path("clips").size())
                .as("the other show's list").isZero();
    }

    @Test
    void badRequestsAreAnsweredAtOnceWithWhatWasExpected() throws Exception {
        String name = recording.path("name").asText();
        assertStatus(post("/api/shows/nope/clips", key, "{\"song\": 1}"), 404, "no such show: nope (expected:");
        assertStatus(post("/api/shows/quiet/clips", QUIET_KEY, "{\"song\": 1}"), 409,
                "no recording of show quiet yet (expected: a set played on this server; clips are made from its recording)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 4}"), 400,
                "song 4: not played in " + name + " (expected: one of 1, 2)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 0}"), 400,
                "song: 0 (expected: 1 for the set list's first song, 2 for the second...)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": \"two\"}"), 400, "song: \"two\" (expected:");
        assertStatus(post("/api/shows/demo/clips", key, "{\"from\": \"0:03\", \"to\": \"0:01\"}"), 400,
                "from 0:03 to 0:01 (expected: from before to)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"from\": \"0:02\", \"to\": \"0:02\"}"), 400,
                "from 0:02 to 0:02 (expected: from before to)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"from\": \"10:00\", \"to\": \"10:30\"}"), 400,
                "no audio between 600.0 s and 630.0 s (expected: a span inside the recording, 0.0–");
        assertStatus(post("/api/shows/demo/clips", key, "{\"from\": \"1:75\", \"to\": \"2:00\"}"), 400,
                "from: \"1:75\" (expected: a time in the recording as m:ss");
        assertStatus(post("/api/shows/demo/clips", key, "{\"from\": \"0:01\"}"), 400,
                "from without to (expected: both");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 1, \"from\": \"0:01\", \"to\": \"0:02\"}"), 400,
                "song with from/to (expected: either a song or a span");
        assertStatus(post("/api/shows/demo/clips", key, "{}"), 400, "no song and no span (expected:");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": "), 400, "the body is not JSON (expected:");
        assertStatus(post("/api/shows/demo/clips", key, "[1]"), 400, "the body is not a JSON object (expected:");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 1, \"loud\": true}"), 400,
                "unknown field 'loud' (expected: song, from, to, recording)");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 1, \"recording\": \"demo-run9\"}"), 400,
                "recording: demo-run9 is not one of show demo's (expected: one of " + name + ")");
        assertStatus(post("/api/shows/demo/clips", key, "{\"song\": 1, \"recording\": \"../../etc/passwd\"}"), 400,
                "recording: \"../../etc/passwd\" (expected: the name of one of the show's recordings");
        assertThat(clipFiles()).noneMatch(file -> file.contains("passwd"));
    }

    @Test
    void hostileClipIdsNameNoFile() throws Exception {
        Files.createDirectories(dataDir.resolve("clips"));
        Files.writeString(dataDir.resolve("secret.mp4"), "not for performers");
        for (String path : new String[] {"..%2Fsecret.mp4", "..%2F..%2Fsecret.mp4", "%2e%2e", "000000000000.mp4",
            "0".repeat(300) + ".mp4", "ABCDEF012345.mp4", "demo-clip-000000000000.mp4"}) {
            HttpResponse<String> r = send(get("/api/shows/demo/clips/" + path, key));
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).startsWith("no such clip: ").contains("(expected: <id>.mp4 of a clip listed by")
                    .hasSizeLessThan(300);
        }
        assertThat(send(get("/api/shows/demo/clips/../../secret.mp4", key)).statusCode()).isEqualTo(404);
    }

    @Test
    void withoutThePerformerKeyNothingIsListedOrRendered() throws Exception {
        List<String> before = clipFiles();
        for (HttpRequest request : List.of(
                post("/api/shows/demo/clips", null, "{\"song\": 1}"),
                post("/api/shows/demo/clips", "not-the-key", "{\"song\": 1}"),
                post("/api/shows/demo/clips", QUIET_KEY, "{\"song\": 1}"),
                get("/api/shows/demo/clips", null),
                get("/api/shows/demo/recordings", "not-the-key"),
                get("/api/shows/demo/clips/000000000000.mp4", null))) {
            HttpResponse<String> r = send(request);
            assertThat(r.statusCode()).as(request.uri().toString()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer realm=\"encore\"");
            assertThat(r.body()).contains("performer key").doesNotContain(key);
        }
        Thread.sleep(200);
        assertThat(clipFiles()).isEqualTo(before);
    }

    @Test
    void readyClipsAreListedAgainAfterARestartAndForeignFilesAreLeftAlone() throws Exception {
        Path dir = dataDir.resolve("restart");
        Path clips = Files.createDirectories(dir.resolve("clips"));
        String id = "0123456789ab";
        Files.write(clips.resolve("demo-clip-" + id + ".mp4"), new byte[] {1, 2, 3});
        Files.writeString(clips.resolve("demo-clip-" + id + ".json"), "{\"id\": \"" + id + "\", \"show\": \"demo\","
                + " \"state\": \"ready\", \"recording\": \"demo-run1-20260501-200000\", \"song\": 2, \"title\": \"Harbour\","
                + " \"fromSeconds\": 3.0, \"toSeconds\": 5.0, \"durationSeconds\": 2.0, \"bytes\": 3,"
                + " \"createdAt\": \"2026-05-01T21:00:00Z\", \"finishedAt\": \"2026-05-01T21:00:02Z\"}");
        Files.write(clips.resolve("demo-clip-aaaaaaaaaaaa.mp4.tmp"), new byte[] {0}); // a render cut short by a crash
        Files.writeString(clips.resolve("demo-clip-bbbbbbbbbbbb.json"), "{not json"); // damaged: passed over
        Files.write(clips.resolve("demo-run1.mp4"), new byte[] {9}); // the after-set clip: not ours
        Files.writeString(clips.resolve("notes.txt"), "hello");

        try (ClipApi api = new ClipApi(dir, server.shows(), Clock.systemUTC())) {
            ShowConfig demo = server.shows().get(0);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/shows/demo/clips");
            request.headers().set("Authorization", "Bearer " + key);
            FullHttpResponse response = api.list(request, demo);
            JsonNode list = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
            response.release();
            request.release();
            assertThat(list.path("clips").size()).isEqualTo(1);
            JsonNode clip = list.path("clips").get(0);
            assertThat(clip.path("id").asText()).isEqualTo(id);
            assertThat(clip.path("state").asText()).isEqualTo("ready");
            assertThat(clip.path("song").asInt()).isEqualTo(2);
            assertThat(clip.path("url").asText()).isEqualTo("/api/shows/demo/clips/" + id + ".mp4");
        }
        assertThat(clips.resolve("demo-clip-aaaaaaaaaaaa.mp4.tmp")).doesNotExist();
        assertThat(clips.resolve("demo-run1.mp4")).exists();
        assertThat(clips.resolve("notes.txt")).exists();
        assertThat(clips.resolve("demo-clip-bbbbbbbbbbbb.json")).exists();
    }

    @Test
    void timesAndRangesParse() throws Exception {
        assertThat(ClipApi.time("from", JSON.readTree("\"1:30\""))).isEqualTo(90.0);
        assertThat(ClipApi.time("from", JSON.readTree("\"1:02:03.5\""))).isEqualTo(3723.5);
        assertThat(ClipApi.time("from", JSON.readTree("\"90.25\""))).isEqualTo(90.25);
        assertThat(ClipApi.time("from", JSON.readTree("12.5"))).isEqualTo(12.5);
        assertThat(ClipApi.minutes(3723.5)).isEqualTo("62:03.500");
        assertThat(ClipApi.range(null, 1000)).isNull();
        assertThat(ClipApi.range("bytes=0-", 1000)).containsExactly(0, 999);
        assertThat(ClipApi.range("bytes=-100", 1000)).containsExactly(900, 999);
        assertThat(ClipApi.range("bytes=990-2000", 1000)).containsExactly(990, 999);
        assertThat(ClipApi.range("bytes=0-1,5-6", 1000)).as("several ranges: the whole file").isNull();
        assertThat(ClipApi.range("items=0-1", 1000)).isNull();
        assertThat(ClipApi.range("bytes=9-1", 1000)).as("invalid: ignored").isNull();
        assertThatThrownBy(() -> ClipApi.range("bytes=1000-", 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClipApi.range("bytes=-0", 1000)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    private static void action(String type) throws Exception {
        HttpResponse<String> r = send(post("/api/shows/demo/actions", key, "{\"type\":\"" + type + "\",\"v\":1}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode awaitReady(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode clip = null;
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(send(get("/api/shows/demo/clips", key)).body()).path("clips");
            for (JsonNode c : list) {
                if (c.path("id").asText().equals(id)) {
                    clip = c;
                }
            }
            assertThat(clip).as("clip " + id + " listed").isNotNull();
            if (!clip.path("state").asText().equals("rendering")) {
                assertThat(clip.path("state").asText()).as(clip.toString()).isEqualTo("ready");
                return clip;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("clip " + id + " not ready within 30 s: " + clip);
    }

    private static void assertStatus(HttpRequest request, int status, String messageStart) throws Exception {
        HttpResponse<String> r = send(request);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).startsWith(messageStart);
    }

    private static List<String> clipFiles() throws Exception {
        Path dir = dataDir.resolve("clips");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static HttpRequest get(String path, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    private static HttpRequest post(String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, BodyHandlers.ofString());
    }
}
