package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.media.RouterStatus;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Drop;
import dev.encore.show.HighlightsSettings;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.TelegramSettings;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.live.SetPhase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's bot half end to end: the real server records a set played by the in-process performer; when the set ends, the
 * group (the fake Bot API on 127.0.0.1) gets one highlights clip of the most requested song, with the post-show offer, and
 * the staff chat one report summary; restarts never repeat them and make them when a stopped process did not; a
 * recording that fails is one staff alert and the show goes on. ffprobe (Debian ffmpeg) judges the uploaded bytes.
 */
class AfterSetTest {
    private static final String SHOW = "afterset";
    private static final String TITLE = "Harbour session";
    private static final String KEY = "after-set-performer-key-012345";
    private static final String TOKEN = "424243:TEST-after-set-token";
    private static final long GROUP = -1001234567890L;
    private static final long STAFF = -1009876543210L;
    private static final int MAX_SECONDS = 2;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    private FakeBotApi telegram;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startTelegram() {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        telegram = FakeBotApi.start(TOKEN, Clock.systemUTC());
        telegram.addChat(GROUP);
        telegram.addChat(STAFF);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        telegram.close();
    }

    /** One planned song; the second is a listener's request the performer accepts. The clip is cut to 2 s. */
    private ShowConfig show(boolean withBot) {
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put("vinyl", new Drop("vinyl", "Signed vinyl, tonight only — €25", URI.create("https://shop.example.org/vinyl"),
                null, null, Duration.ofHours(2)));
        return new ShowConfig(null, SHOW, TITLE, Secret.of(KEY), AccessMode.OPEN, new AudioSettings(96_000, true), null, null,
                List.of(new PlannedSong("Opening")), URI.create("https://live.example.org"),
                withBot ? new TelegramSettings(Secret.of(TOKEN), GROUP, null, STAFF, telegram.apiUrl()) : null, drops, true,
                new HighlightsSettings(MAX_SECONDS, null, "vinyl"));
    }

    private EncoreServer start(ShowConfig show) throws Exception {
        EncoreServer server = EncoreServer.start(new EncoreServer.Options("127.0.0.1", 0, 0, null, dataDir), List.of(show),
                ServerSecret.load(null, dataDir), null);
        running.add(server);
        return server;
    }

    /**
     * The set: "Opening" for 3.5 s, during which two listeners ask for "Wonderwall" (a request and its upvote); the
     * performer accepts it and plays it for 2.5 s; the set ends. Returns once the set ended.
     */
    private void playTheSet(EncoreServer server) throws Exception {
        SyntheticPerformer performer = DemoShow.startPerformer(server.shows().get(0), server.router(SHOW).orElseThrow());
        try {
            Thread.sleep(300); // on air before the set starts
            action(server, "{\"type\":\"set.start\",\"v\":1}");
            server.showChannel().submitRequest(SHOW, "tg:1001", "Wonderwall").get(5, TimeUnit.SECONDS);
            server.showChannel().submitRequest(SHOW, "tg:1002", "wonderwall").get(5, TimeUnit.SECONDS);
            action(server, "{\"type\":\"request.accept\",\"v\":1,\"requestId\":1}");
            Thread.sleep(3500);
            action(server, "{\"type\":\"set.next\",\"v\":1}");
            Thread.sleep(2500);
            action(server, "{\"type\":\"set.end\",\"v\":1}");
            assertThat(server.showChannel().publicSnapshot(SHOW).get(5, TimeUnit.SECONDS).phase()).isEqualTo(SetPhase.ENDED);
            RouterStatus media = server.mediaServer().router(SHOW).orElseThrow().status();
            assertThat(media.performerOnline()).as("the performer's audio still flows").isTrue();
            assertThat(media.inBitrate()).isGreaterThan(10_000);
        } finally {
            performer.close();
        }
    }

    private void action(EncoreServer server, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                + "/api/shows/" + SHOW + "/actions")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private List<FakeBotApi.ChatMessage> staffSummaries() {
        return telegram.botMessages(STAFF).stream().filter(m -> m.text().startsWith("📊 After the set:")).toList();
    }

    /** The clip went up once, with the chosen song, the offer and its counted link, and ffprobe agrees with its length. */
    private void assertOneClipOfTheRequestedSong() throws Exception {
        assertThat(telegram.calls("sendVideo")).hasSize(1);
        FakeBotApi.Video video = telegram.videos().get(0);
        assertThat(video.chatId()).isEqualTo(GROUP);
        assertThat(video.fileName()).isEqualTo(SHOW + "-run1.mp4");
        assertThat(video.caption()).isEqualTo("🎬 Tonight's highlight from " + TITLE + ": “Wonderwall”\n\n"
                + "Signed vinyl, tonight only — €25");
        assertThat(video.params()).containsEntry("duration", "" + MAX_SECONDS).containsEntry("width", "640")
                .containsEntry("height", "360");
        assertThat(telegram.message(GROUP, video.messageId()).orElseThrow().buttons())
                .containsExactly(FakeBotApi.Button.url("Buy", "https://live.example.org/go/" + SHOW + "/vinyl?src=clip"));
        Path received = Files.write(dataDir.resolve("received.mp4"), video.content());
        assertThat(received).hasSameBinaryContentAs(dataDir.resolve("clips").resolve(SHOW + "-run1.mp4"));
        String probe = Ffprobe.probe(received);
        assertThat(probe).contains("streams.stream.0.codec_name=\"h264\"").contains("streams.stream.1.codec_name=\"opus\"");
        assertThat(Ffprobe.value(probe, "format.duration")).isCloseTo(MAX_SECONDS, within(0.021)); // one 20 ms Opus frame
        assertThat(Ffprobe.value(probe, "streams.stream.1.duration")).isCloseTo(MAX_SECONDS, within(0.021));
    }

    @Test
    void theSetEndsOneClipAndOneSummaryAndARestartRepeatsNeither() throws Exception {
        EncoreServer first = start(show(true));
        playTheSet(first);

        telegram.awaitOk("sendVideo", 1, WAIT);
        telegram.awaitCalls(c -> c.ok() && c.chatId() != null && c.chatId() == STAFF, 1, WAIT);
        assertOneClipOfTheRequestedSong();
        assertThat(staffSummaries()).singleElement().satisfies(m -> assertThat(m.text()).startsWith("📊 After the set: " + TITLE
                + " — ").contains("1 request, ").contains("https://live.example.org/p/" + SHOW + "/report"));
        assertThat(telegram.botMessages(STAFF)).hasSize(1); // no alert

        first.close();
        EncoreServer second = start(show(true));
        assertThat(second.afterSet().awaitIdle(WAIT)).isTrue();
        Thread.sleep(1500); // what the bridge would send, it would send now
        assertThat(telegram.calls("sendVideo")).hasSize(1);
        assertThat(staffSummaries()).hasSize(1);
        assertThat(telegram.botMessages(STAFF)).hasSize(1);
    }

    @Test
    void aProcessStoppedBetweenTheSetsEndAndThePostsMakesThemAfterItsRestartOnce() throws Exception {
        // The first process records the set but never posts (as if it died right after SetEnded was stored): its show
        // has no bot, so nothing reaches the outbox. The restart with the bot finds the ended run and nothing queued.
        EncoreServer first = start(show(false));
        playTheSet(first);
        first.close();
        assertThat(telegram.calls()).isEmpty();

        EncoreServer second = start(show(true));
        telegram.awaitOk("sendVideo", 1, WAIT);
        assertThat(second.afterSet().awaitIdle(WAIT)).isTrue();
        telegram.awaitCalls(c -> c.ok() && c.chatId() != null && c.chatId() == STAFF, 1, WAIT);
        assertOneClipOfTheRequestedSong();
        assertThat(staffSummaries()).singleElement().satisfies(m -> assertThat(m.text()).contains("1 request, "));
        assertThat(telegram.botMessages(GROUP)).hasSize(1); // the clip; the set's own posts were never made

        second.close();
        EncoreServer third = start(show(true));
        assertThat(third.afterSet().awaitIdle(WAIT)).isTrue();
        Thread.sleep(1500);
        assertThat(telegram.calls("sendVideo")).hasSize(1);
        assertThat(staffSummaries()).hasSize(1);
    }

    @Test
    void aRecordingThatCannotBeWrittenIsOneStaffAlertAndTheShowGoesOn() throws Exception {
        Files.writeString(dataDir.resolve("recordings"), "a file where the recordings folder should be");
        EncoreServer server = start(show(true));
        playTheSet(server);

        telegram.awaitCalls(c -> c.ok() && "sendMessage".equals(c.method()) && c.text().startsWith("🙏"), 1, WAIT);
        telegram.awaitCalls(c -> c.ok() && c.chatId() != null && c.chatId() == STAFF, 2, WAIT);
        assertThat(server.afterSet().awaitIdle(WAIT)).isTrue();
        Thread.sleep(1500);
        List<FakeBotApi.ChatMessage> alerts = telegram.botMessages(STAFF).stream()
                .filter(m -> m.text().startsWith("⚠️")).toList();
        assertThat(alerts).singleElement().satisfies(m -> assertThat(m.text())
                .startsWith("⚠️ Encore, show " + SHOW + ": the recording of the set stopped: ").contains("The show goes on."));
        assertThat(staffSummaries()).hasSize(1);
        assertThat(telegram.calls("sendVideo")).isEmpty();
        assertThat(server.recording(SHOW).orElseThrow().lastError()).isNotNull();
        assertThat(server.showChannel().lastEndedRun(SHOW)).isPresent();
    }
}
