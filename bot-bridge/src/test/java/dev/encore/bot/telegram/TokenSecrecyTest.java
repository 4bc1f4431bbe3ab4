package dev.encore.bot.telegram;

import static dev.encore.bot.telegram.PengradTelegramApiTest.FAST;
import static dev.encore.bot.telegram.PengradTelegramApiTest.GROUP;
import static dev.encore.bot.telegram.PengradTelegramApiTest.TOKEN;
import static dev.encore.bot.telegram.PengradTelegramApiTest.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.encore.bot.telegram.TelegramException.Kind;
import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.bot.telegram.fake.FakeBotApi.Failure;
import dev.encore.bot.telegram.fake.MutableClock;
import dev.encore.show.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every failure kind, forced: the bot token is in no exception message, cause, stack trace print, log line or toString. */
class TokenSecrecyTest {
    private static final String WRONG_TOKEN = "7654321:AAH-wrong_token_value_000000000000";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Logger encore = (Logger) LoggerFactory.getLogger("dev.encore");
    private final java.util.logging.Logger okhttp = java.util.logging.Logger.getLogger("okhttp3");
    private final List<String> julRecords = new ArrayList<>();
    private final Handler julHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (julRecords) {
                julRecords.add(record.getMessage() + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level encoreLevel;
    private java.util.logging.Level okhttpLevel;
    private FakeBotApi fake;

    @BeforeEach
    void start() {
        encoreLevel = encore.getLevel();
        encore.setLevel(Level.TRACE);
        logs.start();
        root.addAppender(logs);
        okhttpLevel = okhttp.getLevel();
        okhttp.setLevel(java.util.logging.Level.ALL);
        okhttp.addHandler(julHandler);
        fake = FakeBotApi.start(TOKEN, MutableClock.startingNow());
        fake.addChat(GROUP);
        fake.addChat(USER);
    }

    @AfterEach
    void stop() {
        fake.close();
        root.detachAppender(logs);
        encore.setLevel(encoreLevel);
        okhttp.removeHandler(julHandler);
        okhttp.setLevel(okhttpLevel);
    }

    @Test
    void noFailureKindRevealsTheToken() throws Exception {
        List<TelegramException> failures = new ArrayList<>();
        try (PengradTelegramApi api = PengradTelegramApi.create(Secret.of(TOKEN), fake.apiUrl(), FAST)) {
            assertThat(api.toString()).doesNotContain(TOKEN).contains("****");
            api.sendMessage(message(GROUP));
            failures.add(failure(api, message(GROUP))); // RATE_LIMITED
            fake.addChat(-4000123L);
            fake.migrateChat(-4000123L, GROUP);
            failures.add(failure(api, message(-4000123L))); // MIGRATED
            failures.add(failure(api, message(-100999L))); // REFUSED
            fake.failNext("sendMessage", 1, Failure.BAD_GATEWAY_HTML);
            failures.add(failure(api, message(USER))); // SERVER_ERROR
            fake.failNext("sendMessage", 1, Failure.HANG);
            failures.add(failure(api, message(USER))); // OUTCOME_UNKNOWN (read timeout)
            fake.failNext("sendMessage", 1, Failure.ACT_THEN_DROP);
            failures.add(failure(api, message(USER))); // OUTCOME_UNKNOWN (connection closed)
            fake.releaseHung();
        }
        try (PengradTelegramApi wrong = PengradTelegramApi.create(Secret.of(WRONG_TOKEN), fake.apiUrl(), FAST)) {
            failures.add(failure(wrong, message(USER))); // UNAUTHORIZED
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (PengradTelegramApi nowhere = PengradTelegramApi.create(Secret.of(TOKEN), URI.create("http://127.0.0.1:" + closedPort),
                FAST)) {
            failures.add(failure(nowhere, message(USER))); // NOT_SENT
        }

        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        failures.forEach(f -> kinds.add(f.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
        for (TelegramException f : failures) {
            StringWriter trace = new StringWriter();
            f.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).as("stack trace of %s", f.kind()).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN)
                    .doesNotContain("7654321:");
            for (Throwable t = f; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
                assertThat(t.toString()).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
            }
        }
        assertThat(logs.list).as("the client logs its failures").isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            assertThat(event.getFormattedMessage()).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
            }
        }
        synchronized (julRecords) {
            assertThat(julRecords).allSatisfy(r -> assertThat(r).doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN));
        }
    }

    @Test
    void theScrubberRemovesTokensFromMessagesAndCauses() {
        Scrubber scrubber = new Scrubber(TOKEN);
        Exception e = new IllegalStateException("POST http://127.0.0.1/bot" + TOKEN + "/sendMessage failed",
                new java.io.IOException("also bot" + WRONG_TOKEN + "/getMe"));

        Throwable scrubbed = scrubber.scrub(e);

        assertThat(scrubbed.getMessage()).isEqualTo("java.lang.IllegalStateException: POST http://127.0.0.1/bot****/sendMessage failed");
        assertThat(scrubbed.getCause().getMessage()).isEqualTo("java.io.IOException: also bot****/getMe");
        assertThat(scrubbed.getStackTrace()).isEqualTo(e.getStackTrace());
    }

    private static OutgoingMessage message(long chatId) {
        return new OutgoingMessage(chatId, null, "hello", List.of(), null);
    }

    private static TelegramException failure(TelegramApi api, OutgoingMessage message) {
        TelegramException e = catchThrowableOfType(TelegramException.class, () -> api.sendMessage(message));
        assertThat(e).as("a failure sending to %s", message.chatId()).isNotNull();
        return e;
    }
}
