package dev.encore.bot;

import static dev.encore.bot.BridgeRig.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.telegram.DryRunPost;
import dev.encore.bot.telegram.DryRunTelegramApi;
import dev.encore.bot.telegram.UrlButton;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a token the bridge runs the same schedule against the dry run, which only records what it would post. */
class DryRunBridgeTest {
    @TempDir
    Path dir;

    @Test
    void aDryRunRecordsTheFullSetOnTheSameSchedule() throws Exception {
        TestClock clock = new TestClock(T0);
        DryRunTelegramApi dryRun = new DryRunTelegramApi(clock);
        try (TelegramBridge bridge = BridgeRig.open(BridgeRig.show(), dryRun, new TestDesk(), dir, clock)) {
            BridgeRig.play(bridge, clock, clock::set, 1, BridgeRig.fullSet());
        }

        List<DryRunPost> posts = dryRun.recent().stream().filter(p -> p.kind() == DryRunPost.Kind.POST).toList();
        assertThat(posts).extracting(DryRunPost::text).containsExactly("🎶 Rooftop Acoustic #3 is live — tap to listen",
                "Signed vinyl, tonight only — 50 left", "VIP bundle: backstage Q&A + lossless recording",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(posts.get(0).at()).isEqualTo(T0.plusSeconds(5));
        assertThat(posts.get(1).buttons()).containsExactly(new UrlButton("Buy", BridgeRig.VINYL_URL));
        assertThat(dryRun.recent().stream().filter(p -> p.kind() == DryRunPost.Kind.EDIT).map(DryRunPost::text))
                .containsExactly("Signed vinyl, tonight only — 49 left", "Signed vinyl, tonight only — 40 left",
                        "Signed vinyl, tonight only — 38 left", "Signed vinyl, tonight only — offer closed",
                        "VIP bundle: backstage Q&A + lossless recording — offer closed");
    }
}
