package dev.encore.bot.telegram.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.bot.telegram.fake.FakeBotApi.Button;
import dev.encore.bot.telegram.fake.FakeBotApi.Call;
import dev.encore.bot.telegram.fake.FakeBotApi.Failure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake Bot API, driven by a plain HTTP client: each Telegram rule the bridge depends on. */
class FakeBotApiTest {
    private static final String TOKEN = "123456:TEST-token_abc";
    private static final long GROUP = -1001234567890L;
    private static final long USER = 5550001L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ONE_BUTTON = "{\"inline_keyboard\":[[{\"text\":\"Tap to listen\",\"url\":\"https://live.example.org/s\"}]]}";

    private final MutableClock clock = MutableClock.startingNow();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FakeBotApi fake;

    @BeforeEach
    void start() {
        fake = FakeBotApi.start(TOKEN, clock);
        fake.addChat(GROUP);
        fake.addChat(USER);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void getMeAnswersTheBotAndAWrongTokenIsUnauthorized() throws Exception {
        Answer me = post(TOKEN, "getMe", Map.of());
        assertThat(me.status).isEqualTo(200);
        assertThat(me.json.path("ok").asBoolean()).isTrue();
        assertThat(me.json.path("result").path("username").asText()).isEqualTo("encore_test_bot");
        assertThat(me.json.path("result").path("is_bot").asBoolean()).isTrue();

        Answer wrong = post("123456:wrong", "sendMessage", Map.of("chat_id", "" + GROUP, "text", "hi"));
        assertThat(wrong.status).isEqualTo(401);
        assertThat(wrong.json.toString()).isEqualTo("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
        assertThat(fake.botMessages(GROUP)).isEmpty();

        Answer unknown = post(TOKEN, "sendSticker", Map.of("chat_id", "" + GROUP));
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.json.path("description").asText()).isEqualTo("Not Found");
    }

    @Test
    void sendMessageKeepsTheMessageWithItsButtonsAndRecordsTheCall() throws Exception {
        Answer sent = post(TOKEN, "sendMessage", Map.of("chat_id", "" + GROUP, "text", "We're live", "reply_markup", ONE_BUTTON,
                "message_thread_id", "7"));

        assertThat(sent.status).isEqualTo(200);
        JsonNode result = sent.json.path("result");
        assertThat(result.path("message_id").asInt()).isEqualTo(1);
        assertThat(result.path("chat").path("id").asLong()).isEqualTo(GROUP);
        assertThat(result.path("chat").path("type").asText()).isEqualTo("supergroup");
        assertThat(result.path("message_thread_id").asInt()).isEqualTo(7);
        assertThat(result.path("reply_markup").path("inline_keyboard").get(0).get(0).path("url").asText())
                .isEqualTo("https://live.example.org/s");
        assertThat(fake.botMessages(GROUP)).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo("We're live");
            assertThat(m.buttons()).containsExactly(Button.url("Tap to listen", "https://live.example.org/s"));
            assertThat(m.threadId()).isEqualTo(7);
        });
        Call call = fake.calls("sendMessage").get(0);
        assertThat(call.chatId()).isEqualTo(GROUP);
        assertThat(call.messageId()).isEqualTo(1);
        assertThat(call.text()).isEqualTo("We're live");
        assertThat(call.buttons()).containsExactly(Button.url("Tap to listen", "https://live.example.org/s"));
        assertThat(call.ok()).isTrue();

        Answer json = postJson(TOKEN, "sendMessage", "{\"chat_id\":" + USER + ",\"text\":\"hello\",\"reply_markup\":" + ONE_BUTTON
                + "}");
        assertThat(json.status).isEqualTo(200);
        assertThat(fake.botMessages(USER)).singleElement().satisfies(m -> assertThat(m.buttons()).hasSize(1));
    }

    @Test
    void anUnknownChatIsNotFoundAndAnEmptyTextIsRefused() throws Exception {
        Answer unknown = post(TOKEN, "sendMessage", Map.of("chat_id", "-1009999", "text", "hi"));
        assertThat(unknown.status).isEqualTo(400);
        assertThat(unknown.json.path("description").asText()).isEqualTo("Bad Request: chat not found");

        Answer empty = post(TOKEN, "sendMessage", Map.of("chat_id", "" + GROUP, "text", ""));
        assertThat(empty.status).isEqualTo(400);
        assertThat(empty.json.path("description").asText()).isEqualTo("Bad Request: message text is empty");

        Answer reply = post(TOKEN, "sendMessage", Map.of("chat_id", "" + GROUP, "text", "hi", "reply_parameters",
                "{\"message_id\":99}"));
        assertThat(reply.json.path("description").asText()).isEqualTo("Bad Request: message to be replied not found");
        assertThat(fake.botMessages(GROUP)).isEmpty();
    }

    @Test
    void aGroupTakesOneMessagePerSecond() throws Exception {
        assertThat(send(GROUP, "one").status).isEqualTo(200);
        clock.advance(Duration.ofMillis(400));

        Answer tooSoon = send(GROUP, "two");

        assertThat(tooSoon.status).isEqualTo(429);
        assertThat(tooSoon.json.path("description").asText()).isEqualTo("Too Many Requests: retry after 1");
        assertThat(tooSoon.json.path("parameters").path("retry_after").asInt()).isEqualTo(1);
        clock.advance(Duration.ofMillis(600));
        assertThat(send(GROUP, "two").status).isEqualTo(200);
        assertThat(fake.botMessages(GROUP)).extracting(FakeBotApi.ChatMessage::text).containsExactly("one", "two");
        // A private chat is not held to the group rate.
        assertThat(send(USER, "a").status).isEqualTo(200);
        assertThat(send(USER, "b").status).isEqualTo(200);
    }

    @Test
    void aGroupTakesTwentyMessagesAndEditsPerMinute() throws Exception {
        Answer first = send(GROUP, "m0");
        int id = first.json.path("result").path("message_id").asInt();
        for (int i = 1; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            Answer a = i % 2 == 0 ? send(GROUP, "m" + i)
                    : post(TOKEN, "editMessageText", Map.of("chat_id", "" + GROUP, "message_id", "" + id, "text", "edit " + i));
            assertThat(a.status).as("message %d", i).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(1)); // 20 s after the first: the first leaves the minute's window in 40 s

        Answer limited = send(GROUP, "m20");

        assertThat(limited.status).isEqualTo(429);
        assertThat(limited.json.path("parameters").path("retry_after").asInt()).isEqualTo(40);
        assertThat(limited.json.path("description").asText()).isEqualTo("Too Many Requests: retry after 40");
        clock.advance(Duration.ofSeconds(39));
        assertThat(send(GROUP, "m20").status).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        assertThat(send(GROUP, "m20").status).isEqualTo(200);
    }

    @Test
    void anEditThatChangesNothingIsNotModified() throws Exception {
        int id = post(TOKEN, "sendMessage", Map.of("chat_id", "" + GROUP, "text", "50 left", "reply_markup", ONE_BUTTON))
                .json.path("result").path("message_id").asInt();
        clock.advance(Duration.ofSeconds(5));

        Answer same = post(TOKEN, "editMessageText", Map.of("chat_id", "" + GROUP, "message_id", "" + id, "text", "50 left",
                "reply_markup", ONE_BUTTON));
        assertThat(same.status).isEqualTo(400);
        assertThat(same.json.path("description").asText()).startsWith("Bad Request: message is not modified:");

        Answer changed = post(TOKEN, "editMessageText", Map.of("chat_id", "" + GROUP, "message_id", "" + id, "text", "12 left",
                "reply_markup", ONE_BUTTON));
        assertThat(changed.status).isEqualTo(200);
        assertThat(changed.json.path("result").path("text").asText()).isEqualTo("12 left");
        clock.advance(Duration.ofSeconds(5));
        Answer closed = post(TOKEN, "editMessageText", Map.of("chat_id", "" + GROUP, "message_id", "" + id, "text", "Closed"));
        assertThat(closed.status).isEqualTo(200);
        assertThat(fake.message(GROUP, id)).get().satisfies(m -> {
            assertThat(m.text()).isEqualTo("Closed");
            assertThat(m.buttons()).isEmpty();
            assertThat(m.earlierTexts()).containsExactly("50 left", "12 left");
            assertThat(m.editCount()).isEqualTo(2);
        });
        Answer missing = post(TOKEN, "editMessageText", Map.of("chat_id", "" + GROUP, "message_id", "77", "text", "x"));
        assertThat(missing.json.path("description").asText()).isEqualTo("Bad Request: message to edit not found");
    }

    @Test
    void aWebAppButtonIsRefusedInAGroupOnly() throws Exception {
        String webApp = "{\"inline_keyboard\":[[{\"text\":\"Open\",\"web_app\":{\"url\":\"https://live.example.org/app\"}}]]}";

        Answer group = post(TOKEN, "sendMessage", Map.of("chat_id", "" + GROUP, "text", "hi", "reply_markup", webApp));
        Answer privateChat = post(TOKEN, "sendMessage", Map.of("chat_id", "" + USER, "text", "hi", "reply_markup", webApp));

        assertThat(group.status).isEqualTo(400);
        assertThat(group.json.path("description").asText()).isEqualTo("Bad Request: BUTTON_TYPE_INVALID");
        assertThat(fake.botMessages(GROUP)).isEmpty();
        assertThat(privateChat.status).isEqualTo(200);
    }

    @Test
    void aMigratedGroupAnswersWithItsNewId() throws Exception {
        long old = -4000123L;
        fake.addChat(old);
        fake.migrateChat(old, GROUP);

        Answer a = send(old, "hi");

        assertThat(a.status).isEqualTo(400);
        assertThat(a.json.path("description").asText()).isEqualTo("Bad Request: group chat was upgraded to a supergroup chat");
        assertThat(a.json.path("parameters").path("migrate_to_chat_id").asLong()).isEqualTo(GROUP);
        assertThat(send(GROUP, "hi").status).isEqualTo(200);
    }

    @Test
    void badGatewayFailsTheNextCallsOnlyAndDoesNothing() throws Exception {
        fake.failNext("sendMessage", 2, Failure.BAD_GATEWAY);

        assertThat(send(USER, "a").status).isEqualTo(502);
        Answer second = send(USER, "a");
        assertThat(second.json.toString()).isEqualTo("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}");
        assertThat(fake.botMessages(USER)).isEmpty();
        assertThat(send(USER, "a").status).isEqualTo(200);
        assertThat(fake.calls("sendMessage")).extracting(Call::status).containsExactly(502, 502, 200);
        assertThat(fake.calls("sendMessage")).extracting(Call::failure).containsExactly(Failure.BAD_GATEWAY, Failure.BAD_GATEWAY,
                null);
    }

    @Test
    void aHungCallNeverAnswersAndDoesNothing() throws Exception {
        fake.failNext("sendMessage", 1, Failure.HANG);

        assertThatThrownBy(() -> http.send(form(TOKEN, "sendMessage", Map.of("chat_id", "" + USER, "text", "a"))
                .timeout(Duration.ofMillis(300)).build(), BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(fake.hungCount()).isEqualTo(1);
        assertThat(fake.botMessages(USER)).isEmpty();
        assertThat(fake.calls("sendMessage")).singleElement().satisfies(c -> {
            assertThat(c.status()).isZero();
            assertThat(c.failure()).isEqualTo(Failure.HANG);
        });
        fake.releaseHung();
        fake.awaitHung(0, Duration.ofSeconds(2));
        assertThat(send(USER, "b").status).isEqualTo(200);
    }

    @Test
    void actThenDropSendsTheMessageButNoAnswer() {
        fake.failNext("sendMessage", 1, Failure.ACT_THEN_DROP);

        assertThatThrownBy(() -> send(USER, "exactly once")).isInstanceOf(IOException.class);

        assertThat(fake.botMessages(USER)).extracting(FakeBotApi.ChatMessage::text).containsExactly("exactly once");
        assertThat(fake.calls("sendMessage")).singleElement().satisfies(c -> {
            assertThat(c.status()).isZero();
            assertThat(c.messageId()).isEqualTo(1);
        });
    }

    @Test
    void actThenHangSendsTheMessageAndNeverAnswers() throws Exception {
        fake.failNext("sendMessage", 1, Failure.ACT_THEN_HANG);
        CompletableFuture<?> pending = http.sendAsync(form(TOKEN, "sendMessage", Map.of("chat_id", "" + USER, "text", "slow"))
                .build(), BodyHandlers.ofString());

        fake.awaitHung(1, Duration.ofSeconds(2));
        assertThat(fake.botMessages(USER)).extracting(FakeBotApi.ChatMessage::text).containsExactly("slow");
        assertThat(pending).isNotDone();
        fake.releaseHung();
        assertThatThrownBy(() -> pending.get()).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void retryNowServiceUnavailableCarriesARetryAfterHeader() throws Exception {
        fake.failNext("sendMessage", 1, Failure.SERVICE_UNAVAILABLE_RETRY_NOW);

        var answer = http.send(form(TOKEN, "sendMessage", Map.of("chat_id", "" + USER, "text", "a")).build(),
                BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).contains("0");
        assertThat(fake.botMessages(USER)).isEmpty();
    }

    @Test
    void getUpdatesReturnsQueuedMessagesAndConfirmsBelowTheOffset() throws Exception {
        long first = fake.addTextMessage(GROUP, 7, USER, "Ada", "/request Harbour Lights");
        long second = fake.addTextMessage(GROUP, USER, "Ada", "/now@encore_test_bot");

        Answer all = post(TOKEN, "getUpdates", Map.of("offset", "0", "timeout", "0"));
        assertThat(all.json.path("result")).hasSize(2);
        JsonNode update = all.json.path("result").get(0);
        assertThat(update.path("update_id").asLong()).isEqualTo(first);
        assertThat(update.path("message").path("text").asText()).isEqualTo("/request Harbour Lights");
        assertThat(update.path("message").path("chat").path("id").asLong()).isEqualTo(GROUP);
        assertThat(update.path("message").path("from").path("first_name").asText()).isEqualTo("Ada");
        assertThat(update.path("message").path("message_thread_id").asInt()).isEqualTo(7);
        assertThat(update.path("message").path("entities").get(0).path("length").asInt()).isEqualTo("/request".length());

        Answer limited = post(TOKEN, "getUpdates", Map.of("offset", "0", "limit", "1"));
        assertThat(limited.json.path("result")).hasSize(1);

        Answer rest = post(TOKEN, "getUpdates", Map.of("offset", "" + second));
        assertThat(rest.json.path("result")).hasSize(1);
        assertThat(rest.json.path("result").get(0).path("update_id").asLong()).isEqualTo(second);
        assertThat(fake.confirmedOffset()).isEqualTo(second);
        assertThat(fake.pendingUpdates()).isEqualTo(1);
        post(TOKEN, "getUpdates", Map.of("offset", "" + (second + 1)));
        assertThat(fake.pendingUpdates()).isZero();
    }

    @Test
    void aLongPollWaitsForTheNextUpdate() throws Exception {
        CompletableFuture<Answer> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return post(TOKEN, "getUpdates", Map.of("offset", "0", "timeout", "5"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(150);
        assertThat(poll).isNotDone();

        long id = fake.addTextMessage(GROUP, USER, "Ada", "/now");

        Answer answer = poll.get();
        assertThat(answer.json.path("result")).singleElement()
                .satisfies(u -> assertThat(u.path("update_id").asLong()).isEqualTo(id));
    }

    @Test
    void aSecondPollEndsTheFirstWithConflict() throws Exception {
        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return post(TOKEN, "getUpdates", Map.of("timeout", "5"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(150);

        Answer second = post(TOKEN, "getUpdates", Map.of("timeout", "0"));

        assertThat(second.status).isEqualTo(200);
        assertThat(first.get().status).isEqualTo(409);
        assertThat(first.get().json.path("description").asText()).startsWith("Conflict: terminated by other getUpdates request");
    }

    @Test
    void sendVideoTakesAMultipartUpload() throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n" + GROUP + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nTonight's highlight\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"video\"; filename=\"clip.mp4\"\r\n"
                + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {0, 1, 2, (byte) 0xff, 13, 10, 45, 45});
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var answer = http.send(HttpRequest.newBuilder(uri(TOKEN, "sendVideo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body.toByteArray())).build(), BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(fake.videos()).singleElement().satisfies(v -> {
            assertThat(v.chatId()).isEqualTo(GROUP);
            assertThat(v.caption()).isEqualTo("Tonight's highlight");
            assertThat(v.fileName()).isEqualTo("clip.mp4");
            assertThat(v.contentType()).isEqualTo("video/mp4");
            assertThat(v.size()).isEqualTo(8);
            assertThat(v.content()).containsExactly(0, 1, 2, 0xff, 13, 10, 45, 45);
        });
        JsonNode result = JSON.readTree(answer.body()).path("result");
        assertThat(result.path("caption").asText()).isEqualTo("Tonight's highlight");
        assertThat(result.path("video").path("file_size").asInt()).isEqualTo(8);
        assertThat(result.has("text")).isFalse();
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413AndPostsNothing() throws Exception {
        fake.uploadLimit(4);
        String boundary = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n" + GROUP + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"video\"; filename=\"clip.mp4\"\r\n"
                + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {1, 2, 3, 4, 5});
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var answer = http.send(HttpRequest.newBuilder(uri(TOKEN, "sendVideo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body.toByteArray())).build(), BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.body()).isEqualTo("{\"ok\":false,\"error_code\":413,\"description\":\"Request Entity Too Large\"}");
        assertThat(fake.videos()).isEmpty();
        assertThat(fake.botMessages(GROUP)).isEmpty();
    }

    @Test
    void awaitCallsFailsWithWhatItSaw() {
        assertThatThrownBy(() -> fake.awaitOk("sendMessage", 1, Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 1 matching calls");
    }

    // ---------------------------------------------------------------- helpers

    private record Answer(int status, JsonNode json) {
    }

    private Answer send(long chatId, String text) throws Exception {
        return post(TOKEN, "sendMessage", Map.of("chat_id", "" + chatId, "text", text));
    }

    private URI uri(String token, String method) {
        return URI.create(fake.apiUrl() + "/bot" + token + "/" + method);
    }

    private HttpRequest.Builder form(String token, String method, Map<String, String> params) {
        String body = new LinkedHashMap<>(params).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(uri(token, method)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(body));
    }

    private Answer post(String token, String method, Map<String, String> params) throws Exception {
        var response = http.send(form(token, method, params).timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private Answer postJson(String token, String method, String json) throws Exception {
        var response = http.send(HttpRequest.newBuilder(uri(token, method)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
