package dev.encore.app;

import dev.encore.audio.MusicSynth;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.media.Router;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Drop;
import dev.encore.show.HighlightsSettings;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.TelegramSettings;
import dev.encore.signaling.Role;
import dev.encore.signaling.ShowChannel;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The built-in demo show ({@code demo}, open access, 96 kbps stereo, a 5-song set list with two drops, the recording drop
 * as the post-show offer) and its synthetic performer.
 */
final class DemoShow {
    static final String ID = "demo";
    static final String TITLE = "Encore demo: a synthetic performer";
    static final int BITRATE = 96_000;
    /** The demo's planned set list. */
    static final List<String> SONGS = List.of("Opening", "Harbour Lights", "Paper Boats", "Slow Tide", "Encore");
    /** Cued by the second song: a counted offer for 5 minutes. */
    static final Drop TEE = new Drop("tee", "Encore demo tee (a demo: nothing is sold)",
            URI.create("https://example.org/encore-demo/tee"), 25, Duration.ofMinutes(5), null);
    /** Timed: 2 minutes into the set, open until the set ends. */
    static final Drop RECORDING = new Drop("recording", "Tonight's recording, lossless (a demo: nothing is sold)",
            URI.create("https://example.org/encore-demo/recording"), null, null, Duration.ofMinutes(2));

    /** No token: the bot bridge runs as a dry run (posts logged and listed in the console), into a made-up group. */
    static final TelegramSettings TELEGRAM = new TelegramSettings(null, -1001234567890L, null, null,
            TelegramSettings.DEFAULT_API_URL);
    /** How long the demo's set driver stays on a song before {@code set.next}. */
    static final Duration SONG_LENGTH = Duration.ofSeconds(75);

    private DemoShow() {
    }

    static ShowConfig config() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        // Nobody publishes to the demo over the network; the key just must not be guessable.
        List<PlannedSong> songs = new ArrayList<>();
        for (String title : SONGS) {
            songs.add(new PlannedSong(title, songs.size() == 1 ? List.of(TEE.id()) : List.of()));
        }
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put(TEE.id(), TEE);
        drops.put(RECORDING.id(), RECORDING);
        // After the set, the highlights clip offers tonight's recording.
        return new ShowConfig(null, ID, TITLE, Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(key)),
                AccessMode.OPEN, new AudioSettings(BITRATE, true), null, null, songs, null, TELEGRAM, drops, true,
                new HighlightsSettings(HighlightsSettings.DEFAULT_MAX_SECONDS, null, RECORDING.id()));
    }

    /**
     * Plays the set list like a performer would: starts the set (unless a restored run already did), then moves to the next
     * song every {@link #SONG_LENGTH}, so the drops' cues, the timed drop and the bot's posts happen in the demo too. Stays on
     * the last song. Close it before the server.
     */
    static AutoCloseable startSetDriver(ShowChannel channel, Duration songLength) {
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encore-demo-set");
            t.setDaemon(true);
            return t;
        });
        // set.start is refused (set_ended / already started) when a restored run is past it: that is fine.
        driver.execute(() -> channel.dispatch(ID, Role.ofPerformer(), "{\"type\":\"set.start\",\"v\":1}"));
        long every = songLength.toMillis();
        driver.scheduleWithFixedDelay(() -> channel.dispatch(ID, Role.ofPerformer(), "{\"type\":\"set.next\",\"v\":1}"),
                every, every, TimeUnit.MILLISECONDS);
        return driver::shutdownNow;
    }

    /** A started performer feeding {@code router}; close it before the server. */
    static SyntheticPerformer startPerformer(ShowConfig show, Router router) {
        boolean stereo = show.audio().stereo();
        MusicSynth synth = new MusicSynth(stereo);
        OpusFrameEncoder encoder = new OpusFrameEncoder(show.audio().bitrate(), stereo);
        SyntheticPerformer performer = new SyntheticPerformer(synth.channels(), synth::render, encoder::encode, router::feed);
        performer.start();
        return performer;
    }
}
