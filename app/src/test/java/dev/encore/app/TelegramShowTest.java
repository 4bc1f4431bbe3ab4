package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.TelegramSettings;
import dev.encore.show.access.ServerSecret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with a show that has a bot, its group being the in-process fake Bot API on 127.0.0.1: the performer
 * drives the set over the action API, the group sees the announcement, the cued drop with the server's redirect, the
 * count edit after a sale, the closing edit and the thank-you; a {@code /request} from the group reaches the show's queue
 * and is answered; the console's bot panel lists the outbox; the bot token appears nowhere.
 */
class TelegramShowTest {
    private static final String KEY = "telegram-show-performer-key-0123";
    private static final String TOKEN = "424242:TEST-bot-token-that-must-never-leak";
    private static final long GROUP = -1001234567890L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private FakeBotApi telegram;
    private EncoreServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (telegram != null) {
            telegram.close();
        }
    }

    private ShowConfig show() {
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put("vinyl", new Drop("vinyl", "Signed vinyl, tonight only", URI.create("https://shop.example.org/vinyl"), 5,
                Duration.ofMinutes(10), null));
        return new ShowConfig(null, "harbour", "Harbour session", Secret.of(KEY), AccessMode.OPEN,
                new AudioSettings(96_000, true), null, null,
                List.of(new PlannedSong("Opening"), new PlannedSong("Harbour Lights", List.of("vinyl"))),
                URI.create("https://live.example.org"),
                new TelegramSettings(Secret.of(TOKEN), GROUP, null, null, telegram.apiUrl()), drops);
    }

    private HttpResponse<String> action(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/api/shows/harbour/actions")).header("Authorization", "Bearer " + KEY)
                .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.httpPort() + path);
    }

    @Test
    void theShowRunsItselfInTheGroup() throws Exception {
        telegram = FakeBotApi.start(TOKEN, Clock.systemUTC());
        telegram.addChat(GROUP);
        EncoreServer.Options o = EncoreServer.Options.loopback();
        server = EncoreServer.start(new EncoreServer.Options(o.bindHost(), 0, 0, null, dataDir), List.of(show()),
                ServerSecret.load(null, dataDir), null);
        Duration wait = Duration.ofSeconds(20);

        assertThat(action("{\"type\":\"set.start\",\"v\":1}").statusCode()).isEqualTo(200);
        var announce = telegram.awaitOk("sendMessage", 1, wait).get(0);
        assertThat(announce.chatId()).isEqualTo(GROUP);
        assertThat(announce.buttons()).containsExactly(FakeBotApi.Button.url("Tap to listen",
                "https://live.example.org/l/harbour?src=telegram"));

        assertThat(action("{\"type\":\"set.next\",\"v\":1}").statusCode()).isEqualTo(200);
        var drop = telegram.awaitOk("sendMessage", 2, wait).get(1);
        assertThat(drop.text()).contains("Signed vinyl, tonight only").contains("5 left");
        assertThat(drop.buttons()).containsExactly(FakeBotApi.Button.url("Buy",
                "https://live.example.org/go/harbour/vinyl?src=telegram"));

        // A listener follows the button: the server redirects to the shop with UTM parameters.
        HttpResponse<String> go = http.send(HttpRequest.newBuilder(uri("/go/harbour/vinyl?src=telegram")).GET().build(),
                BodyHandlers.ofString());
        assertThat(go.statusCode()).isEqualTo(302);
        assertThat(go.headers().firstValue("Location")).hasValue("https://shop.example.org/vinyl?utm_source=telegram"
                + "&utm_medium=encore&utm_campaign=harbour&utm_content=vinyl");

        // The shop sells two: the post's count is edited.
        HttpResponse<String> sold = http.send(HttpRequest.newBuilder(uri("/api/shows/harbour/drops/vinyl/sold"))
                .header("Authorization", "Bearer " + KEY).POST(BodyPublishers.ofString("{\"quantity\":2,\"orderId\":\"A-1\"}"))
                .build(), BodyHandlers.ofString());
        assertThat(sold.body()).isEqualTo("{\"show\":\"harbour\",\"drop\":\"vinyl\",\"remaining\":3}");
        var countEdit = telegram.awaitOk("editMessageText", 1, wait).get(0);
        assertThat(countEdit.messageId()).isEqualTo(telegram.botMessages(GROUP).get(1).messageId());
        assertThat(countEdit.text()).contains("3 left");

        // Somebody in the group asks for a song; the bot answers and the song is in the show's queue.
        telegram.addTextMessage(GROUP, 777, "Ana", "/request Wonderwall");
        var reply = telegram.awaitCalls(c -> c.ok() && "sendMessage".equals(c.method()) && c.text().contains("Wonderwall"), 1,
                wait).get(0);
        assertThat(reply.text()).contains("#1");
        assertThat(server.showChannel().publicSnapshot("harbour").get().queue())
                .extracting(q -> q.title()).containsExactly("Wonderwall");

        // The set ends: the offer closes (button removed) and the group is thanked.
        assertThat(action("{\"type\":\"set.end\",\"v\":1}").statusCode()).isEqualTo(200);
        telegram.awaitCalls(c -> c.ok() && "editMessageText".equals(c.method()) && c.buttons().isEmpty(), 1, wait);
        List<FakeBotApi.Call> posts = telegram.awaitOk("sendMessage", 4, wait);
        assertThat(posts.get(posts.size() - 1).text().toLowerCase()).contains("thank");

        // The console's bot panel: the outbox as JSON, for the performer only.
        HttpResponse<String> panel = http.send(HttpRequest.newBuilder(uri("/api/shows/harbour/telegram"))
                .header("Authorization", "Bearer " + KEY).GET().build(), BodyHandlers.ofString());
        assertThat(panel.statusCode()).isEqualTo(200);
        JsonNode bot = JSON.readTree(panel.body());
        assertThat(bot.path("mode").asText()).isEqualTo("live");
        assertThat(bot.path("outbox").findValuesAsText("key")).contains("announce", "thanks");
        assertThat(panel.body()).doesNotContain(TOKEN);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/shows/harbour/telegram")).GET().build(), BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);

        // Every post went out once.
        assertThat(telegram.botMessages(GROUP).stream().map(FakeBotApi.ChatMessage::text).filter(t -> t.contains("Signed vinyl")))
                .hasSize(1);
    }
}
