package dev.encore.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.encore.bot.telegram.TelegramException.Kind;
import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.bot.telegram.fake.FakeBotApi.Button;
import dev.encore.bot.telegram.fake.FakeBotApi.Call;
import dev.encore.bot.telegram.fake.FakeBotApi.Failure;
import dev.encore.bot.telegram.fake.MutableClock;
import dev.encore.show.Secret;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pengrad-based client against the fake Bot API: requests on the wire, answers, and every failure's classification. */
class PengradTelegramApiTest {
    static final String TOKEN = "7654321:AAH-secret_token_value_0123456789ab";
    static final long GROUP = -1001234567890L;
    static final long USER = 5550001L;
    /** Short enough for the hang tests, long enough for a cold JVM on a busy machine. */
    static final PengradTelegramApi.Timeouts FAST = new PengradTelegramApi.Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    private final MutableClock clock = MutableClock.startingNow();
    private FakeBotApi fake;
    private PengradTelegramApi api;

    @BeforeEach
    void start() {
        fake = FakeBotApi.start(TOKEN, clock);
        fake.addChat(GROUP);
        fake.addChat(USER);
        api = PengradTelegramApi.create(Secret.of(TOKEN), fake.apiUrl(), FAST);
    }

    @AfterEach
    void stop() {
        api.close();
        fake.close();
    }

    @Test
    void getMeReadsTheBot() throws Exception {
        assertThat(api.getMe()).isEqualTo(new BotUser(4242L, "encore_test_bot"));
        assertThat(fake.calls()).singleElement().satisfies(c -> assertThat(c.method()).isEqualTo("getMe"));
    }

    @Test
    void sendMessagePostsTextButtonsTopicAndReply() throws Exception {
        long update = fake.addTextMessage(GROUP, 7, USER, "Ada", "/request Encore");
        assertThat(update).isPositive();
        int userMessage = fake.messages(GROUP).get(0).messageId();

        SentMessage sent = api.sendMessage(new OutgoingMessage(GROUP, 7, "Added, #3 in the queue",
                List.of(new UrlButton("Tap to listen", "https://live.example.org/s/stage?t=abc"),
                        new UrlButton("Vinyl", "https://live.example.org/go/stage/vinyl?src=telegram")), userMessage));

        assertThat(sent).isEqualTo(new SentMessage(GROUP, userMessage + 1));
        FakeBotApi.ChatMessage m = fake.message(GROUP, sent.messageId()).orElseThrow();
        assertThat(m.text()).isEqualTo("Added, #3 in the queue");
        assertThat(m.threadId()).isEqualTo(7);
        assertThat(m.replyTo()).isEqualTo(userMessage);
        assertThat(m.buttons()).containsExactly(Button.url("Tap to listen", "https://live.example.org/s/stage?t=abc"),
                Button.url("Vinyl", "https://live.example.org/go/stage/vinyl?src=telegram"));
        Call call = fake.calls("sendMessage").get(0);
        assertThat(call.params()).doesNotContainKey("parse_mode");
        // One button per row.
        assertThat(call.params().get("reply_markup")).contains("[[{").contains("}],[{");
    }

    @Test
    void editMessageReplacesTextAndButtonsAndAnEmptyListRemovesThem() throws Exception {
        SentMessage sent = api.sendMessage(new OutgoingMessage(GROUP, null, "Signed vinyl: 50 left",
                List.of(new UrlButton("Buy", "https://live.example.org/go/stage/vinyl")), null));
        clock.advance(Duration.ofSeconds(10));

        api.editMessage(new MessageEdit(GROUP, sent.messageId(), "Signed vinyl: 12 left",
                List.of(new UrlButton("Buy", "https://live.example.org/go/stage/vinyl"))));
        clock.advance(Duration.ofSeconds(10));
        api.editMessage(new MessageEdit(GROUP, sent.messageId(), "Signed vinyl: the offer closed", List.of()));

        FakeBotApi.ChatMessage m = fake.message(GROUP, sent.messageId()).orElseThrow();
        assertThat(m.text()).isEqualTo("Signed vinyl: the offer closed");
        assertThat(m.buttons()).isEmpty();
        assertThat(m.earlierTexts()).containsExactly("Signed vinyl: 50 left", "Signed vinyl: 12 left");
    }

    @Test
    void sendVideoUploadsTheFileWithCaptionButtonsAndSize(@TempDir Path dir) throws Exception {
        byte[] mp4 = new byte[300_000];
        new Random(7).nextBytes(mp4); // every byte value, CR LF and dashes included: the multipart must carry them as they are
        Path file = Files.write(dir.resolve("rooftop-run3.mp4"), mp4);

        SentMessage sent = api.sendVideo(new OutgoingVideo(GROUP, 7, file, "🎬 Tonight's highlight: “Harbour Lights”",
                List.of(new UrlButton("Buy", "https://live.example.org/go/stage/vinyl?src=clip")), 42, 640, 360));

        assertThat(fake.videos()).singleElement().satisfies(v -> {
            assertThat(v.chatId()).isEqualTo(GROUP);
            assertThat(v.messageId()).isEqualTo(sent.messageId());
            assertThat(v.caption()).isEqualTo("🎬 Tonight's highlight: “Harbour Lights”");
            assertThat(v.fileName()).isEqualTo("rooftop-run3.mp4");
            assertThat(v.content()).isEqualTo(mp4);
            assertThat(v.params()).containsEntry("duration", "42").containsEntry("width", "640")
                    .containsEntry("height", "360").containsEntry("supports_streaming", "true")
                    .containsEntry("message_thread_id", "7").doesNotContainKey("parse_mode");
        });
        assertThat(sent.chatId()).isEqualTo(GROUP);
        FakeBotApi.ChatMessage m = fake.message(GROUP, sent.messageId()).orElseThrow();
        assertThat(m.videoFileName()).isEqualTo("rooftop-run3.mp4");
        assertThat(m.buttons()).containsExactly(Button.url("Buy", "https://live.example.org/go/stage/vinyl?src=clip"));
    }

    @Test
    void aVideoOverTheUploadLimitIsRefusedAndAMissingFileIsNeverSent(@TempDir Path dir) throws Exception {
        fake.uploadLimit(1000);
        Path big = Files.write(dir.resolve("big.mp4"), new byte[1001]);

        TelegramException tooLarge = catchThrowableOfType(TelegramException.class, () -> api.sendVideo(new OutgoingVideo(GROUP,
                null, big, "clip", List.of(), 0, 0, 0)));
        assertThat(tooLarge.kind()).isEqualTo(Kind.REFUSED);
        assertThat(tooLarge.errorCode()).isEqualTo(413);
        assertThat(tooLarge.getMessage()).contains("Request Entity Too Large");

        TelegramException missing = catchThrowableOfType(TelegramException.class, () -> api.sendVideo(new OutgoingVideo(GROUP,
                null, dir.resolve("gone.mp4"), "clip", List.of(), 0, 0, 0)));
        assertThat(missing.kind()).isEqualTo(Kind.REFUSED);
        assertThat(missing.getMessage()).contains("gone.mp4").contains("not a readable file");
        assertThat(fake.calls("sendVideo")).hasSize(1);
        assertThat(fake.videos()).isEmpty();
    }

    @Test
    void notModifiedIsSuccessForAnEdit() throws Exception {
        SentMessage sent = api.sendMessage(new OutgoingMessage(USER, null, "12 left", List.of(), null));

        api.editMessage(new MessageEdit(USER, sent.messageId(), "12 left", List.of()));

        assertThat(fake.calls("editMessageText")).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(400);
            assertThat(c.description()).startsWith("Bad Request: message is not modified");
        });
    }

    @Test
    void getUpdatesReadsMessagesAndConfirmsTheOffset() throws Exception {
        long first = fake.addTextMessage(GROUP, 7, USER, "Ada", "/request@encore_test_bot Harbour Lights");
        long second = fake.addMigrationNotice(-4000123L, GROUP);
        long third = fake.addUpdate("{\"my_chat_member\":{\"chat\":{\"id\":" + GROUP + ",\"type\":\"supergroup\"}}}");

        List<Update> updates = api.getUpdates(0, 0, 100);

        assertThat(updates).hasSize(3);
        Update u = updates.get(0);
        assertThat(u.updateId()).isEqualTo(first);
        assertThat(u.chatId()).isEqualTo(GROUP);
        assertThat(u.threadId()).isEqualTo(7);
        assertThat(u.fromId()).isEqualTo(USER);
        assertThat(u.fromName()).isEqualTo("Ada");
        assertThat(u.text()).isEqualTo("/request@encore_test_bot Harbour Lights");
        assertThat(u.messageId()).isEqualTo(fake.messages(GROUP).get(0).messageId());
        assertThat(updates.get(1).updateId()).isEqualTo(second);
        assertThat(updates.get(1).migrateToChatId()).isEqualTo(GROUP);
        assertThat(updates.get(1).chatId()).isEqualTo(-4000123L);
        assertThat(updates.get(2)).isEqualTo(new Update(third, 0, 0, null, 0, null, null, null));

        assertThat(api.getUpdates(third + 1, 0, 100)).isEmpty();
        assertThat(fake.confirmedOffset()).isEqualTo(third + 1);
        assertThat(fake.pendingUpdates()).isZero();
    }

    @Test
    void aLongPollOutlastsTheReadTimeout() throws Exception {
        long started = System.nanoTime();

        List<Update> none = api.getUpdates(0, 2, 100); // a 2 s poll outlasts the 1 s read timeout

        assertThat(none).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(fake.calls("getUpdates")).singleElement().satisfies(c -> assertThat(c.params()).containsEntry("timeout", "2"));
    }

    @Test
    void tooManyRequestsIsRateLimitedWithRetryAfter() throws Exception {
        api.sendMessage(new OutgoingMessage(GROUP, null, "one", List.of(), null));

        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(GROUP, null, "two", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.errorCode()).isEqualTo(429);
        assertThat(e.retryAfterSeconds()).isEqualTo(1);
        assertThat(e.getMessage()).contains("Too Many Requests: retry after 1");
    }

    @Test
    void aMigratedGroupGivesItsNewChatId() {
        fake.addChat(-4000123L);
        fake.migrateChat(-4000123L, GROUP);

        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(-4000123L, null, "hi", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.MIGRATED);
        assertThat(e.migrateToChatId()).isEqualTo(GROUP);
        assertThat(e.errorCode()).isEqualTo(400);
    }

    @Test
    void aWrongTokenIsUnauthorized() {
        try (PengradTelegramApi wrong = PengradTelegramApi.create(Secret.of("7654321:AAH-wrong_token_value_000000000000"),
                fake.apiUrl(), FAST)) {
            TelegramException e = catchThrowableOfType(TelegramException.class, wrong::getMe);
            assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
            assertThat(e.errorCode()).isEqualTo(401);
        }
    }

    @Test
    void anUnknownChatIsRefused() {
        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(-100999L, null, "hi", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.REFUSED);
        assertThat(e.errorCode()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("sendMessage failed: Bad Request: chat not found (error 400)");
    }

    @Test
    void aBadGatewayIsAServerErrorWhetherJsonOrHtml() {
        fake.failNext("sendMessage", 1, Failure.BAD_GATEWAY);
        fake.failNext("sendMessage", 1, Failure.BAD_GATEWAY_HTML);

        for (int i = 0; i < 2; i++) {
            TelegramException e = catchThrowableOfType(TelegramException.class,
                    () -> api.sendMessage(new OutgoingMessage(USER, null, "hi", List.of(), null)));
            assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
            assertThat(e.errorCode()).isEqualTo(502);
        }
        assertThat(fake.botMessages(USER)).isEmpty();
    }

    @Test
    void aServiceUnavailableWithRetryAfterZeroIsNotRepeatedByTheTransport() {
        fake.failNext("sendMessage", 1, Failure.SERVICE_UNAVAILABLE_RETRY_NOW);

        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(USER, null, "once", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
        assertThat(e.errorCode()).isEqualTo(503);
        assertThat(fake.calls("sendMessage")).hasSize(1);
        assertThat(fake.botMessages(USER)).isEmpty();
    }

    @Test
    void aRefusedConnectionIsNotSent() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (PengradTelegramApi nowhere = PengradTelegramApi.create(Secret.of(TOKEN), URI.create("http://127.0.0.1:" + closedPort),
                FAST)) {
            TelegramException e = catchThrowableOfType(TelegramException.class,
                    () -> nowhere.sendMessage(new OutgoingMessage(USER, null, "hi", List.of(), null)));
            assertThat(e.kind()).isEqualTo(Kind.NOT_SENT);
            assertThat(e.errorCode()).isZero();
        }
    }

    @Test
    void aHangIsOutcomeUnknownAfterTheReadTimeout() {
        fake.failNext("sendMessage", 1, Failure.HANG);

        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(USER, null, "hi", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
        assertThat(fake.calls("sendMessage")).hasSize(1);
        fake.releaseHung();
    }

    @Test
    void actThenDropIsOutcomeUnknownAndTheMessageWasPostedOnce() {
        fake.failNext("sendMessage", 1, Failure.ACT_THEN_DROP);

        TelegramException e = catchThrowableOfType(TelegramException.class,
                () -> api.sendMessage(new OutgoingMessage(USER, null, "the drop", List.of(), null)));

        assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
        assertThat(fake.calls("sendMessage")).hasSize(1);
        assertThat(fake.botMessages(USER)).extracting(FakeBotApi.ChatMessage::text).containsExactly("the drop");
    }

    @Test
    void anEditThatFailsOtherwiseIsStillAnError() throws Exception {
        assertThatThrownBy(() -> api.editMessage(new MessageEdit(USER, 99, "x", List.of())))
                .isInstanceOfSatisfying(TelegramException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                    assertThat(e.getMessage()).contains("message to edit not found");
                });
    }

    @Test
    void closeCancelsALongPollInFlight() throws Exception {
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            api.close();
        });
        closer.start();
        long started = System.nanoTime();

        TelegramException e = catchThrowableOfType(TelegramException.class, () -> api.getUpdates(0, 10, 100));

        assertThat(e).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        closer.join();
    }

    @Test
    void theApiUrlMustBeHttp() {
        assertThatThrownBy(() -> PengradTelegramApi.create(Secret.of(TOKEN), URI.create("ftp://example.org"), FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: http:// or https://");
    }
}
