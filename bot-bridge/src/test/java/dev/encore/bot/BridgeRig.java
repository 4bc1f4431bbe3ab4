package dev.encore.bot;

import dev.encore.bot.telegram.TelegramApi;
import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.TelegramSettings;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The show, its settings and the stepping used by the bridge tests. */
final class BridgeRig {
    static final String SHOW = "rooftop-3";
    static final String TITLE = "Rooftop Acoustic #3";
    /** A recognizable fake bot token: it must never show up in a log line or an error. */
    static final String TOKEN = "7777777777:AAFakeTokenEncoreTest_do_not_log_Zq9";
    static final long GROUP = -1001234567890L;
    static final long STAFF = -1009876543210L;
    static final int TOPIC = 7;
    static final Instant T0 = Instant.parse("2026-11-22T20:00:00Z");
    static final String LISTEN_URL = "https://live.example.org/l/" + SHOW;
    static final String VINYL_URL = "https://live.example.org/go/" + SHOW + "/vinyl?src=telegram";
    static final String VIP_URL = "https://live.example.org/go/" + SHOW + "/vip?src=telegram";
    static final Drop VINYL = new Drop("vinyl", "Signed vinyl, tonight only", URI.create("https://shop.example.org/vinyl"), 50,
            Duration.ofMinutes(10), null);
    static final Drop VIP = new Drop("vip", "VIP bundle: backstage Q&A + lossless recording",
            URI.create("https://shop.example.org/vip"), null, null, Duration.ofMinutes(15));

    private BridgeRig() {
    }

    static ShowConfig show(AccessMode access, Long staffChat, URI apiUrl, Drop... extraDrops) {
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put(VINYL.id(), VINYL);
        drops.put(VIP.id(), VIP);
        for (Drop d : extraDrops) {
            drops.put(d.id(), d);
        }
        List<PlannedSong> songs = List.of(new PlannedSong("Opening"), new PlannedSong("Harbour Lights", List.of("vinyl")),
                new PlannedSong("Encore"));
        return new ShowConfig(null, SHOW, TITLE, Secret.of("performer-key"), access, null, null, null, songs,
                URI.create("https://live.example.org/"), new TelegramSettings(Secret.of(TOKEN), GROUP, TOPIC, staffChat, apiUrl),
                drops);
    }

    static ShowConfig show() {
        return show(AccessMode.OPEN, STAFF, URI.create("http://127.0.0.1:9"));
    }

    static TelegramBridge open(ShowConfig show, TelegramApi api, ShowDesk desk, Path dataDir, TestClock clock)
            throws SQLException {
        return TelegramBridge.open(show, api, desk, dataDir, URI.create("http://localhost:8080"), () -> "group-token", clock);
    }

    /** Sends whatever falls due until {@code until}, moving the clock from one due time to the next; ends at {@code until}. */
    static void drive(TelegramBridge bridge, TestClock clock, Instant until) throws SQLException {
        for (int steps = 0; steps < 100_000; steps++) {
            Instant next = bridge.runDue();
            if (next == null || next.isAfter(until)) {
                if (clock.instant().isBefore(until)) {
                    clock.set(until);
                }
                return;
            }
            clock.set(next.isAfter(clock.instant()) ? next : clock.instant().plusMillis(1));
        }
        throw new AssertionError("the bridge never settled before " + until);
    }
}
