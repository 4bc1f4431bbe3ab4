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
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * No token: the bot bridge runs as a dry run (posts logged and listed in the console), into a made-up group and a
     * made-up staff chat (where the post-show summary goes).
     */
    static final TelegramSettings TELEGRAM = new TelegramSettings(null, -1001234567890L, null, -1009876543210L,
            TelegramSettings.DEFAULT_API_URL);
    /** The demo's performer key, in the data directory. */
    static final String KEY_FILE = "demo-performer.key";
    /** How long the demo's set driver stays on a song before {@code set.next}. */
    static final Duration SONG_LENGTH = Duration.ofSeconds(75);

    private DemoShow() {
    }

    /** The demo with a fresh random performer key (tests). */
    static ShowConfig config() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return config(Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
    }

    /**
     * The demo's performer key: the one kept in {@code <dataDir>/}{@value #KEY_FILE} by an earlier start, else a fresh one
     * (not written yet: {@link #keepPerformerKey} does that once the server is up, so a start refused for bad options
     * writes nothing). The console at {@code /p/demo} needs it; never logged, the banner names the file.
     */
    static Secret performerKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            byte[] key = new byte[24];
            new SecureRandom().nextBytes(key);
            return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        }
        String value = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (value.length() < 24) {
            throw new IOException("demo performer key file " + file + ": " + value.length() + " characters (expected: at"
                    + " least 24; delete the file and a new key is made)");
        }
        return Secret.of(value);
    }

    /** Writes {@code key} to {@code <dataDir>/}{@value #KEY_FILE} (owner-only) unless the file exists; returns the file. */
    static Path keepPerformerKey(Path dataDir, Secret key) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dataDir);
        boolean posix = Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class);
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, key.reveal() + "\n", StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException raced) {
            // another demo process made it first; a restart reads that one
        }
        return file;
    }

    static ShowConfig config(Secret key) {
        List<PlannedSong> songs = new ArrayList<>();
        for (String title : SONGS) {
            songs.add(new PlannedSong(title, songs.size() == 1 ? List.of(TEE.id()) : List.of()));
        }
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put(TEE.id(), TEE);
        drops.put(RECORDING.id(), RECORDING);
        // After the set, the highlights clip offers tonight's recording.
        return new ShowConfig(null, ID, TITLE, key,
                AccessMode.OPEN, new AudioSettings(BITRATE, true), null, null, songs, null, TELEGRAM, drops, true,
                new HighlightsSettings(HighlightsSettings.DEFAULT_MAX_SECONDS, null, RECORDING.id()));
    }

    /**
     * Plays the set list like a performer would: starts the set (unless a restored run already did), then moves to the next
     * song every {@link #SONG_LENGTH}, so the drops' cues, the timed drop and the bot's posts happen in the demo too; one
     * song length after the last song starts, ends the set, so the after-set work (report, staff summary, highlights clip)
     * happens too. Close it before the server.
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
        AtomicInteger ticks = new AtomicInteger();
        driver.scheduleWithFixedDelay(() -> {
            int tick = ticks.incrementAndGet();
            if (tick < SONGS.size()) {
                channel.dispatch(ID, Role.ofPerformer(), "{\"type\":\"set.next\",\"v\":1}");
            } else if (tick == SONGS.size()) {
                channel.dispatch(ID, Role.ofPerformer(), "{\"type\":\"set.end\",\"v\":1}");
            }
        }, every, every, TimeUnit.MILLISECONDS);
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
