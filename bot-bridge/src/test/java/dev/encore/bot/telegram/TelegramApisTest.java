package dev.encore.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.bot.telegram.fake.MutableClock;
import dev.encore.show.Secret;
import dev.encore.show.TelegramSettings;
import java.net.URI;
import org.junit.jupiter.api.Test;

class TelegramApisTest {
    private final MutableClock clock = MutableClock.startingNow();

    @Test
    void noTokenMeansDryRun() {
        TelegramSettings settings = new TelegramSettings(null, -100123L, null, null, TelegramSettings.DEFAULT_API_URL);

        try (TelegramApi api = TelegramApis.forShow(settings, clock)) {
            assertThat(api).isInstanceOf(DryRunTelegramApi.class);
        }
    }

    @Test
    void aTokenMeansTheBotApiAtTheShowsUrl() throws Exception {
        try (FakeBotApi fake = FakeBotApi.start(PengradTelegramApiTest.TOKEN, clock)) {
            TelegramSettings settings = new TelegramSettings(Secret.of(PengradTelegramApiTest.TOKEN), -100123L, null, null,
                    fake.apiUrl());
            try (TelegramApi api = TelegramApis.forShow(settings, clock, PengradTelegramApiTest.FAST)) {
                assertThat(api).isInstanceOf(PengradTelegramApi.class);
                assertThat(api.getMe().username()).isEqualTo("encore_test_bot");
            }
        }
    }

    @Test
    void theDefaultUrlIsTelegramsOwn() {
        // Created, never called: nothing may contact api.telegram.org from a test.
        TelegramSettings settings = new TelegramSettings(Secret.of(PengradTelegramApiTest.TOKEN), -100123L, null, null,
                TelegramSettings.DEFAULT_API_URL);
        try (TelegramApi api = TelegramApis.forShow(settings, clock)) {
            assertThat(TelegramSettings.DEFAULT_API_URL).isEqualTo(URI.create("https://api.telegram.org"));
            assertThat(api.toString()).isEqualTo("PengradTelegramApi[https://api.telegram.org, token ****]");
        }
    }
}
