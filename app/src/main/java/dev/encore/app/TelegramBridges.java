package dev.encore.app;

import dev.encore.bot.OutboxEntry;
import dev.encore.bot.ShowDesk;
import dev.encore.bot.TelegramBridge;
import dev.encore.bot.telegram.DryRunPost;
import dev.encore.bot.telegram.DryRunTelegramApi;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramApis;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import dev.encore.signaling.ShowChannel;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Telegram bridges: one {@link TelegramBridge} per show with a {@code telegram:} section, started with the
 * server and closed with it. A show without a bot token gets the dry run, whose posts the performer console lists
 * ({@link #status}).
 *
 * <p>Thread-safe after {@link #start}: the map is not changed again.
 */
final class TelegramBridges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramBridges.class);
    /** How long the join token in a token show's announcement stays valid: the evening. */
    static final Duration GROUP_TOKEN_TTL = Duration.ofHours(12);

    private record Bridge(TelegramBridge bridge, DryRunTelegramApi dryRun) {
    }

    private final Map<String, Bridge> bridges = new LinkedHashMap<>();

    private TelegramBridges() {
    }

    /**
     * Opens and starts a bridge for every show with a {@code telegram:} section. A bridge that cannot open (its database)
     * stops the start: the promoter must know before the show, not during it.
     *
     * @param baseUrl the links' base for shows without {@code publicUrl} (asked once the HTTP port is known)
     */
    static TelegramBridges start(List<ShowConfig> shows, ShowChannel channel, Path dataDir, Supplier<String> baseUrl,
            TokenAuthority tokens, Clock clock) throws SQLException {
        TelegramBridges all = new TelegramBridges();
        try {
            for (ShowConfig show : shows) {
                if (show.telegram() == null) {
                    continue;
                }
                DryRunTelegramApi dryRun = show.telegram().dryRun() ? new DryRunTelegramApi(clock) : null;
                TelegramApi api = dryRun != null ? dryRun : TelegramApis.forShow(show.telegram(), clock);
                Supplier<String> groupToken = () -> tokens.mint(show.id(), Tier.GENERAL, GROUP_TOKEN_TTL, "telegram-group",
                        clock).encoded();
                TelegramBridge bridge = TelegramBridge.open(show, api, ShowDesk.of(channel), dataDir,
                        URI.create(baseUrl.get()), groupToken, clock);
                all.bridges.put(show.id(), new Bridge(bridge, dryRun));
                bridge.start();
                LOG.info("show {}: Telegram bridge started ({})", show.id(), dryRun != null
                        ? "dry run: no bot token, posts are only logged and listed in the console" : "posting to the group");
            }
            return all;
        } catch (SQLException | RuntimeException e) {
            all.close();
            throw e;
        }
    }

    /** What the console shows of a show's bot: its mode, its recent dry-run posts, its outbox; empty without a bot. */
    Optional<Status> status(String showId) throws SQLException {
        Bridge b = bridges.get(showId);
        if (b == null) {
            return Optional.empty();
        }
        return Optional.of(new Status(b.dryRun != null, b.dryRun != null ? b.dryRun.recent() : List.of(), b.bridge.entries()));
    }

    /** The show's bridge, for posts after the set; empty without a {@code telegram:} section. */
    Optional<TelegramBridge> bridge(String showId) {
        Bridge b = bridges.get(showId);
        return b == null ? Optional.empty() : Optional.of(b.bridge);
    }

    /** The console's view of one show's bot. */
    record Status(boolean dryRun, List<DryRunPost> recentDryRunPosts, List<OutboxEntry> outbox) {
    }

    @Override
    public void close() {
        for (Map.Entry<String, Bridge> e : bridges.entrySet()) {
            try {
                e.getValue().bridge.close();
            } catch (RuntimeException ex) {
                LOG.warn("show {}: closing the Telegram bridge failed", e.getKey(), ex);
            }
        }
    }

    static TelegramBridges none() {
        return new TelegramBridges();
    }

    boolean isEmpty() {
        return bridges.isEmpty();
    }
}
