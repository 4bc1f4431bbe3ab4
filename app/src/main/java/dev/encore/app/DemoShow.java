package dev.encore.app;

import dev.encore.audio.MusicSynth;
import dev.encore.audio.OpusFrameEncoder;
import dev.encore.media.Router;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** The built-in demo show ({@code demo}, open access, 96 kbps stereo, a 5-song set list) and its synthetic performer. */
final class DemoShow {
    static final String ID = "demo";
    static final String TITLE = "Encore demo: a synthetic performer";
    static final int BITRATE = 96_000;
    /** The demo's planned set list. */
    static final List<String> SONGS = List.of("Opening", "Harbour Lights", "Paper Boats", "Slow Tide", "Encore");

    private DemoShow() {
    }

    static ShowConfig config() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        // Nobody publishes to the demo over the network; the key just must not be guessable.
        return new ShowConfig(null, ID, TITLE, Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(key)),
                AccessMode.OPEN, new AudioSettings(BITRATE, true), null)
                .withSetList(SONGS.stream().map(PlannedSong::new).toList());
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
