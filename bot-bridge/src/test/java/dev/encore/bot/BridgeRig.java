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
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.ShowEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
    static final String LISTEN_URL = "https://live.example.org/l/" + SHOW + "?src=telegram";
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

    static TelegramBridge open(ShowConfig show, TelegramApi api, ShowDesk desk, Path dataDir, Clock clock)
            throws SQLException {
        return TelegramBridge.open(show, api, desk, dataDir, URI.create("http://localhost:8080"), () -> "group-token", clock);
    }

    /**
     * The full set: on air, the set starts, the vinyl on its cue with eleven sales (ten a second apart), the vinyl's window
     * ends, the VIP bundle 15 min into the set, the set ends and closes the VIP bundle. Times from {@link #T0}.
     */
    static List<ShowEvent> fullSet() {
        List<ShowEvent> events = new ArrayList<>();
        events.add(new ShowEvent.ShowOpened(T0, SHOW, List.of("Opening", "Harbour Lights", "Encore")));
        events.add(new ShowEvent.OnAir(T0.plusSeconds(5), true));
        Instant set = T0.plusSeconds(10);
        events.add(new ShowEvent.SetStarted(set));
        events.add(new ShowEvent.SongStarted(set, 0, "Opening"));
        events.add(new ShowEvent.OnAir(T0.plusSeconds(30), false));
        events.add(new ShowEvent.OnAir(T0.plusSeconds(35), true)); // back on air: no second announcement
        Instant cue = T0.plus(Duration.ofMinutes(4));
        events.add(new ShowEvent.SongStarted(cue, 1, "Harbour Lights"));
        events.add(new ShowEvent.DropOpened(cue, "vinyl", cue.plus(Duration.ofMinutes(10)), 50));
        for (int i = 1; i <= 10; i++) {
            events.add(new ShowEvent.DropSold(cue.plusSeconds(i), "vinyl", 1, 50 - i, "A-" + i));
        }
        events.add(new ShowEvent.DropSold(cue.plusSeconds(40), "vinyl", 2, 38, "A-11"));
        events.add(new ShowEvent.DropClosed(cue.plus(Duration.ofMinutes(10)), "vinyl", DropCloseReason.WINDOW));
        Instant vipAt = set.plus(Duration.ofMinutes(15));
        events.add(new ShowEvent.DropOpened(vipAt, "vip", null, -1));
        events.add(new ShowEvent.SongStarted(vipAt.plusSeconds(60), 2, "Encore"));
        Instant end = vipAt.plus(Duration.ofMinutes(5));
        events.add(new ShowEvent.SetEnded(end));
        events.add(new ShowEvent.DropClosed(end, "vip", DropCloseReason.SET_ENDED));
        return events;
    }

    /** Feeds each event at its time (sending what falls due on the way), then runs two more minutes. */
    static void play(TelegramBridge bridge, Clock clock, Consumer<Instant> setClock, long runId, List<ShowEvent> events)
            throws SQLException {
        for (ShowEvent event : events) {
            drive(bridge, clock, setClock, event.at());
            bridge.handleEvents(runId, List.of(event));
        }
        drive(bridge, clock, setClock, clock.instant().plus(Duration.ofMinutes(2)));
    }

    static void drive(TelegramBridge bridge, TestClock clock, Instant until) throws SQLException {
        drive(bridge, clock, clock::set, until);
    }

    /** Sends whatever falls due until {@code until}, moving the clock from one due time to the next; ends at {@code until}. */
    static void drive(TelegramBridge bridge, Clock clock, Consumer<Instant> setClock, Instant until) throws SQLException {
        for (int steps = 0; steps < 100_000; steps++) {
            Instant next = bridge.runDue();
            if (next == null || next.isAfter(until)) {
                if (clock.instant().isBefore(until)) {
                    setClock.accept(until);
                }
                return;
            }
            setClock.accept(next.isAfter(clock.instant()) ? next : clock.instant().plusMillis(1));
        }
        throw new AssertionError("the bridge never settled before " + until);
    }
}
