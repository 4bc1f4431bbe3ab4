package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.WebRtcListener;
import dev.encore.media.Router;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.recording.report.ShowReport;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.Role;
import dev.encore.signaling.ShowChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listen taps, the report API and page, and the report file at the set's end, on a real server with the real channel; and
 * time to first audio from real WebRTC listeners on the whole server (media server included).
 */
class ReportApiTest {
    private static final String KEY = "stage-performer-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ShowConfig SHOW = new ShowConfig(null, "stage", "Stage", Secret.of(KEY), AccessMode.OPEN, null, null)
            .withSetList(List.of(new PlannedSong("Opening"), new PlannedSong("Harbour Lights")));

    @TempDir
    Path dataDir;
    private ShowChannel channel;
    private HttpServer server;
    private final BlockingQueue<ShowEvent> seen = new LinkedBlockingQueue<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        channel = ShowChannel.start(List.of(SHOW), null, dataDir, Clock.systemUTC());
        HttpApi api = new HttpApi(List.of(SHOW), new NoMedia(), AccessOptions.ephemeralSecret(), () -> "http://localhost",
                (show, command) -> channel.dispatch(show, Role.ofPerformer(), command), HttpApi.ACTION_TIMEOUT);
        api.reports(ReportApi.desk(channel));
        server = HttpServer.start("127.0.0.1", 0, api, channel.httpHandler());
        channel.subscribe("stage", (show, run, events, history) -> seen.addAll(events));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort()
                + path)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    private <T extends ShowEvent> T next(Class<T> type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ShowEvent e = seen.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 5 s");
    }

    @Test
    void theListenerPageCountsATapBySource() throws Exception {
        HttpResponse<String> page = get("/l/stage?src=telegram", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(next(ShowEvent.PageOpened.class).source()).isEqualTo("telegram");

        assertThat(get("/l/stage?src=%3Cb%3E", null).statusCode()).isEqualTo(200);
        assertThat(next(ShowEvent.PageOpened.class).source()).isEqualTo("other");
        assertThat(get("/l/stage", null).statusCode()).isEqualTo(200);
        assertThat(next(ShowEvent.PageOpened.class).source()).isEqualTo("direct");

        JsonNode body = JSON.readTree(get("/api/shows/stage/report", KEY).body());
        assertThat(body.path("report").path("listenTaps").path("total").asInt()).isEqualTo(3);
        assertThat(body.path("report").path("listenTaps").path("bySource").path("telegram").asInt()).isEqualTo(1);
    }

    @Test
    void theReportNeedsThePerformerKey() throws Exception {
        HttpResponse<String> none = get("/api/shows/stage/report", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"encore\"");
        assertThat(none.body()).doesNotContain(KEY);
        assertThat(get("/api/shows/stage/report", "not-the-key").statusCode()).isEqualTo(401);

        HttpResponse<String> ok = get("/api/shows/stage/report", KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue(HttpResponses.JSON);
        JsonNode body = JSON.readTree(ok.body());
        assertThat(body.path("summary").asText()).startsWith("Stage — 0 joined, peak 0, avg 0; 0 requests, 0 votes");
        assertThat(body.path("report").path("show").asText()).isEqualTo("stage");
        assertThat(body.path("report").path("setStartedAt").isNull()).isTrue();
        assertThat(ShowReport.fromJson(JSON.writeValueAsString(body.path("report"))).show()).isEqualTo("stage");
        assertThat(get("/api/shows/nope/report", KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void thePageIsServedWithoutFiguresAndLoadsItsScript() throws Exception {
        HttpResponse<String> page = get("/p/stage/report", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/assets/report.js", "\"report\":\"/api/shows/stage/report\"", "<title>Report · Stage");
        assertThat(page.headers().firstValue("content-security-policy")).isPresent();
        assertThat(get("/assets/report.js", null).body()).contains("encore.performerKey.");
        assertThat(get("/assets/report.css", null).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheSetEndsTheReportIsSavedAsJson() throws Exception {
        ReportApi.Writer writer = new ReportApi.Writer(dataDir.resolve("reports"), List.of(SHOW), Clock.systemUTC());
        channel.subscribe("stage", writer);
        channel.dropClicked("stage", "nope", "telegram"); // no such drop: not counted, nothing breaks
        assertThat(channel.dispatch("stage", Role.ofPerformer(), "{\"type\":\"set.start\",\"v\":1}").get(5, TimeUnit.SECONDS))
                .contains("ack");
        assertThat(channel.dispatch("stage", Role.ofPerformer(), "{\"type\":\"set.next\",\"v\":1}").get(5, TimeUnit.SECONDS))
                .contains("ack");
        assertThat(channel.dispatch("stage", Role.ofPerformer(), "{\"type\":\"set.end\",\"v\":1}").get(5, TimeUnit.SECONDS))
                .contains("ack");
        next(ShowEvent.SetEnded.class);

        Path dir = dataDir.resolve("reports");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Path file = null;
        while (file == null && System.nanoTime() < deadline) {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    file = files.filter(f -> f.getFileName().toString().matches("stage-run\\d+\\.json")).findFirst().orElse(null);
                }
            }
            if (file == null) {
                Thread.sleep(20);
            }
        }
        assertThat(file).as("a report file in " + dir).isNotNull();
        ShowReport report = ShowReport.fromJson(Files.readString(file));
        assertThat(report.show()).isEqualTo("stage");
        assertThat(report.setEndedAt()).isNotNull();
        assertThat(report.songs()).extracting(ShowReport.SongFigures::title).containsExactly("Opening", "Harbour Lights");
    }

    @Test
    void realListenersOnALiveShowAreInTheReportsTimeToFirstAudio() throws Exception {
        int listeners = 3;
        ShowConfig live = new ShowConfig(null, "live", "Live", Secret.of(KEY), AccessMode.OPEN, new AudioSettings(64_000, true),
                null).withSetList(List.of(new PlannedSong("Opening")));
        Path data = dataDir.resolve("server");
        List<WebRtcListener> joined = new ArrayList<>();
        ScheduledExecutorService performer = Executors.newSingleThreadScheduledExecutor();
        try (EncoreServer encore = EncoreServer.start(new EncoreServer.Options("127.0.0.1", 0, 0, null, data), List.of(live));
                ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true))) {
            List<ShowEvent> events = new CopyOnWriteArrayList<>();
            encore.showChannel().subscribe("live", (show, run, batch, history) -> events.addAll(batch));
            Router router = encore.router("live").orElseThrow();
            int[] seq = {0};
            byte[] opus = new byte[80];
            performer.scheduleAtFixedRate(() -> {
                byte[] rtp = new byte[RtpPacket.FIXED_HEADER_LENGTH + opus.length];
                int n = RtpPacket.write(rtp, 0, 111, false, seq[0], seq[0] * 960L, 0xC0FFEEL, opus, 0, opus.length);
                seq[0]++;
                router.feed(rtp, 0, n);
            }, 0, 20, TimeUnit.MILLISECONDS);
            // Listeners who join before the performer's audio is on air wait for the performer: the report leaves them out.
            await(() -> events.stream().anyMatch(e -> e instanceof ShowEvent.OnAir a && a.onAir()), "OnAir(true)");
            assertThat(encore.showChannel().dispatch("live", Role.ofPerformer(), "{\"type\":\"set.start\",\"v\":1}")
                    .get(5, TimeUnit.SECONDS)).contains("ack");

            URI base = URI.create("http://127.0.0.1:" + encore.httpPort());
            for (int i = 0; i < listeners; i++) {
                WebRtcListener listener = WebRtcListener.create(runtime, ListenerConfig.builder(base, "live").build());
                joined.add(listener);
                listener.connect().get(15, TimeUnit.SECONDS);
            }
            await(() -> joined.stream().allMatch(l -> l.stats().packets() >= 10), "audio for every listener");
            await(() -> events.stream().filter(e -> e instanceof ShowEvent.AudioStarted).count() == listeners,
                    listeners + " AudioStarted events");

            JsonNode body = JSON.readTree(get(base, "/api/shows/live/report", KEY).body());
            JsonNode ttfa = body.path("report").path("timeToFirstAudio");
            assertThat(ttfa.path("count").asInt()).as(body.toString()).isEqualTo(listeners);
            assertThat(ttfa.path("waitedForPerformer").asInt()).isZero();
            // The server's time is inside each client's own (offer sent to first packet received), same clock.
            long slowestClientMs = joined.stream().mapToLong(l -> l.timings().timeToFirstAudioNanos()).max().orElseThrow()
                    / 1_000_000;
            assertThat(ttfa.path("maxMs").asLong()).isPositive().isLessThanOrEqualTo(slowestClientMs);
            assertThat(ttfa.path("p50Ms").asLong()).isPositive().isLessThanOrEqualTo(ttfa.path("p99Ms").asLong());
            assertThat(ttfa.path("p99Ms").asLong()).isEqualTo(ttfa.path("maxMs").asLong()); // 3 values: p99 is the largest
            assertThat(body.path("summary").asText()).contains("; first audio in ");
            assertThat(body.path("report").path("notes").toString()).doesNotContain("time to first audio");

            assertThat(encore.showChannel().dispatch("live", Role.ofPerformer(), "{\"type\":\"set.end\",\"v\":1}")
                    .get(5, TimeUnit.SECONDS)).contains("ack");
            Path reports = data.resolve("reports");
            await(() -> {
                try (var files = Files.list(reports)) {
                    return files.anyMatch(f -> f.getFileName().toString().matches("live-run\\d+\\.json"));
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "the saved report");
            Path file;
            try (var files = Files.list(reports)) {
                file = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
            }
            ShowReport saved = ShowReport.fromJson(Files.readString(file));
            assertThat(saved.version()).isEqualTo(ShowReport.VERSION);
            assertThat(saved.timeToFirstAudio().count()).isEqualTo(listeners);
        } finally {
            performer.shutdownNow();
            joined.forEach(WebRtcListener::close);
        }
    }

    private HttpResponse<String> get(URI base, String path, String key) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key).GET().build(), BodyHandlers.ofString());
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
