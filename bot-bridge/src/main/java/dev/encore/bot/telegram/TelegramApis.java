package dev.encore.bot.telegram;

import static java.util.Objects.requireNonNull;

import dev.encore.show.TelegramSettings;
import java.time.Clock;

/** Picks the {@link TelegramApi} for a show: the dry run when no token is configured, else the Bot API client. */
public final class TelegramApis {
    private TelegramApis() {
    }

    /** {@link DryRunTelegramApi} when {@link TelegramSettings#dryRun()}, else {@link PengradTelegramApi} at the show's URL. */
    public static TelegramApi forShow(TelegramSettings settings, Clock clock) {
        return forShow(settings, clock, PengradTelegramApi.Timeouts.DEFAULT);
    }

    public static TelegramApi forShow(TelegramSettings settings, Clock clock, PengradTelegramApi.Timeouts timeouts) {
        requireNonNull(settings, "settings");
        requireNonNull(clock, "clock");
        if (settings.dryRun()) {
            return new DryRunTelegramApi(clock);
        }
        return PengradTelegramApi.create(settings.botToken(), settings.apiUrl(), requireNonNull(timeouts, "timeouts"));
    }
}
