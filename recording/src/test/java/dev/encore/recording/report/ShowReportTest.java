package dev.encore.recording.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.PollCloseReason;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEvent;
import dev.encore.show.live.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted run with known numbers: the report's figures are exactly those. */
class ShowReportTest {
    private static final Instant T0 = Instant.parse("2025-06-01T20:00:00Z");

    @TempDir
    Path dir;

    private static Instant t(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /** The scripted run (times in seconds after T0; the set runs from 60 to 300). */
    static List<ShowEvent> scriptedRun() {
        List<ShowEvent> e = new ArrayList<>();
        e.add(new ShowEvent.ShowOpened(t(0), "rooftop", List.of("Opening", "Harbour Lights")));
        e.add(new ShowEvent.PageOpened(t(1), "telegram"));
        e.add(new ShowEvent.PageOpened(t(2), "telegram"));
        e.add(new ShowEvent.PageOpened(t(3), "direct"));
        e.add(new ShowEvent.PageOpened(t(4), "other"));
        e.add(new ShowEvent.ListenerConnected(t(10), "a", Tier.GENERAL));
        e.add(new ShowEvent.ListenerConnected(t(20), "b", Tier.VIP));
        e.add(new ShowEvent.ListenerConnected(t(30), "c", Tier.GENERAL));
        e.add(new ShowEvent.ListenerConnected(t(40), "c", Tier.GENERAL)); // a second tab: still one listener
        e.add(new ShowEvent.OnAir(t(50), true)); // before the set: no drop
        e.add(new ShowEvent.PerformerPresence(t(50), true));
        e.add(new ShowEvent.AudioStarted(t(50), 40_000)); // joined at 10, before the performer was on air: waited
        e.add(new ShowEvent.AudioStarted(t(52), 2_000)); // joined at 50, as the performer went on air: counts
        e.add(new ShowEvent.ReactionBurst(t(56), t(55), Map.of(ReactionKind.LAUGH, 2))); // before any song
        e.add(new ShowEvent.SetStarted(t(60)));
        e.add(new ShowEvent.SongStarted(t(60), 0, "Opening"));
        e.add(new ShowEvent.DropOpened(t(60), "vinyl", null, 50));
        e.add(new ShowEvent.AudioStarted(t(61), 120));
        e.add(new ShowEvent.RequestSubmitted(t(70), 1, "a", "Blue Moon"));
        e.add(new ShowEvent.AudioStarted(t(70), 250));
        e.add(new ShowEvent.RequestUpvoted(t(75), 1, "b", 2));
        e.add(new ShowEvent.RequestSubmitted(t(80), 2, "c", "Yesterday"));
        e.add(new ShowEvent.RequestAccepted(t(85), 1, "Blue Moon"));
        e.add(new ShowEvent.SongAdded(t(85), 2, "Blue Moon", 1));
        e.add(new ShowEvent.PollOpened(t(90), 1, "Encore?", List.of("Yes", "Louder"), null));
        e.add(new ShowEvent.AudioStarted(t(90), 90));
        e.add(new ShowEvent.VoteCast(t(95), 1, "a", 0, -1));
        e.add(new ShowEvent.VoteCast(t(96), 1, "b", 1, -1));
        e.add(new ShowEvent.VoteCast(t(97), 1, "a", 1, 0));
        e.add(new ShowEvent.PollClosed(t(100), 1, List.of(0, 2), PollCloseReason.CLOSED_BY_PERFORMER));
        e.add(new ShowEvent.ReactionBurst(t(101), t(100), Map.of(ReactionKind.APPLAUSE, 3, ReactionKind.HEART, 1)));
        e.add(new ShowEvent.OnAir(t(110), false)); // the performer drops for 14 s
        e.add(new ShowEvent.ListenerDisconnected(t(120), "b"));
        e.add(new ShowEvent.OnAir(t(124), true));
        e.add(new ShowEvent.AudioStarted(t(124), 9_000)); // joined at 115, while the performer was away: waited
        e.add(new ShowEvent.SongStarted(t(180), 1, "Harbour Lights"));
        e.add(new ShowEvent.ReactionBurst(t(186), t(185), Map.of(ReactionKind.FIRE, 5)));
        e.add(new ShowEvent.DropClicked(t(190), "vinyl", "telegram"));
        e.add(new ShowEvent.DropClicked(t(190), "vinyl", "telegram"));
        e.add(new ShowEvent.DropClicked(t(191), "vinyl", "direct"));
        e.add(new ShowEvent.AudioStarted(t(191), 400));
        e.add(new ShowEvent.DropSold(t(195), "vinyl", 2, 48, "A-1"));
        e.add(new ShowEvent.DropSold(t(196), "vinyl", 1, 47, "A-2"));
        e.add(new ShowEvent.ListenerDisconnected(t(200), "c")); // one of c's two tabs
        e.add(new ShowEvent.SongStarted(t(240), 2, "Blue Moon"));
        e.add(new ShowEvent.RequestPlayed(t(240), 1));
        e.add(new ShowEvent.ListenerConnected(t(250), "d", Tier.GENERAL));
        e.add(new ShowEvent.AudioStarted(t(250), 180));
        e.add(new ShowEvent.AudioStarted(t(260), 3_100));
        e.add(new ShowEvent.ListenerDisconnected(t(280), "d"));
        e.add(new ShowEvent.SetEnded(t(300)));
        e.add(new ShowEvent.DropClosed(t(300), "vinyl", DropCloseReason.SET_ENDED));
        e.add(new ShowEvent.AudioStarted(t(301), 150)); // after the set, still on air: counts
        e.add(new ShowEvent.OnAir(t(305), false)); // after the set: not a drop
        e.add(new ShowEvent.DropClicked(t(400), "vinyl", "telegram")); // clicks after the set still count
        e.add(new ShowEvent.ListenerDisconnected(t(400), "a")); // listening time stops at the set's end
        return e;
    }

    @Test
    void theFiguresAreThoseTheScriptedRunProduced() {
        ShowReport r = ShowReport.of(scriptedRun(), t(1000));

        assertThat(r.show()).isEqualTo("rooftop");
        assertThat(r.setStartedAt()).isEqualTo(t(60).toString());
        assertThat(r.setEndedAt()).isEqualTo(t(300).toString());
        assertThat(r.until()).isEqualTo(t(300).toString());
        assertThat(r.setDurationMs()).isEqualTo(240_000);

        assertThat(r.version()).isEqualTo(2);
        assertThat(r.listenTaps()).isEqualTo(new ShowReport.Taps(4, Map.of("telegram", 2, "direct", 1, "other", 1)));

        ShowReport.Listeners l = r.listeners();
        assertThat(l.joins()).isEqualTo(4);
        assertThat(l.peak()).isEqualTo(3);
        assertThat(l.peakAt()).isEqualTo(t(30).toString());
        // 60..120: 3, 120..250: 2, 250..280: 3, 280..300: 2 → 570 listener-seconds over 240 s
        assertThat(l.averageDuringSet()).isEqualTo(2.4);
        // a 290 s, b 100 s, c 270 s (until the set's end), d 30 s
        assertThat(l.listening().p50Ms()).isEqualTo(100_000);
        assertThat(l.listening().p90Ms()).isEqualTo(290_000);
        assertThat(l.listening().maxMs()).isEqualTo(290_000);
        assertThat(l.listening().histogram()).extracting(ShowReport.Bucket::listeners).containsExactly(1, 3, 0, 0, 0, 0);
        assertThat(l.listening().histogram().get(1)).isEqualTo(new ShowReport.Bucket("1–5 min", 60_000, 300_000, 3));

        // on air at their join: 2000, 120, 250, 90, 400, 180, 3100, 150 → sorted 90 120 150 180 | 250 400 2000 3100;
        // nearest rank: p50 the 4th of 8, p99 the 8th
        assertThat(r.timeToFirstAudio()).isEqualTo(new ShowReport.TimeToFirstAudio(8, 180, 3_100, 3_100, 2));

        assertThat(r.requests()).isEqualTo(new ShowReport.Requests(2, 1, 1, 1, 0));
        assertThat(r.polls()).containsExactly(new ShowReport.PollFigures(1, "Encore?", List.of("Yes", "Louder"), 2, 1,
                List.of(0, 2)));

        assertThat(r.songs()).containsExactly(
                new ShowReport.SongFigures(0, "Opening", t(60).toString(), 120_000, 4, Map.of("applause", 3, "heart", 1)),
                new ShowReport.SongFigures(1, "Harbour Lights", t(180).toString(), 60_000, 5, Map.of("fire", 5)),
                new ShowReport.SongFigures(2, "Blue Moon", t(240).toString(), 60_000, 0, Map.of()));
        assertThat(r.reactionsOutsideSongs()).isEqualTo(Map.of("laugh", 2));

        assertThat(r.drops()).containsExactly(new ShowReport.DropFigures("vinyl", t(60).toString(), t(300).toString(),
                "set_ended", 4, Map.of("telegram", 3, "direct", 1), 3, 2));

        assertThat(r.performer()).isEqualTo(new ShowReport.PerformerFigures(1, 14_000, 0));
        assertThat(r.notes()).containsExactly("time to first audio leaves out 2 listeners who joined while the performer's"
                + " audio was off (waiting for the performer, not for the server)");
    }

    @Test
    void whileTheSetRunsPresenceCountsUpToNowAndAnOpenDropCountsTooOnlyUntilNow() {
        List<ShowEvent> events = scriptedRun().subList(0, 33); // up to OnAir(false) at 110 and b leaving at 120
        assertThat(events.get(events.size() - 1)).isEqualTo(new ShowEvent.ListenerDisconnected(t(120), "b"));

        ShowReport r = ShowReport.of(events, t(130));

        assertThat(r.setEndedAt()).isNull();
        assertThat(r.until()).isEqualTo(t(130).toString());
        assertThat(r.setDurationMs()).isEqualTo(70_000);
        assertThat(r.performer()).isEqualTo(new ShowReport.PerformerFigures(1, 20_000, 0));
        assertThat(r.songs()).extracting(ShowReport.SongFigures::durationMs).containsExactly(70_000L);
        // a 120 s, b 100 s, c 100 s
        assertThat(r.listeners().listening().maxMs()).isEqualTo(120_000);
        // 60..120: 3, 120..130: 2 → 200 over 70 s
        assertThat(r.listeners().averageDuringSet()).isEqualTo(2.9);
        // 2000, 120, 250, 90 → 90 120 | 250 2000
        assertThat(r.timeToFirstAudio()).isEqualTo(new ShowReport.TimeToFirstAudio(4, 120, 2_000, 2_000, 1));
    }

    @Test
    void theJsonRoundTripsAndTheFileIsWrittenWhole() throws Exception {
        ShowReport report = ShowReport.of(scriptedRun(), t(1000));
        String json = report.toJson();

        assertThat(json).contains("\"version\" : 2", "\"timeToFirstAudio\" : {", "\"p99Ms\" : 3100");
        assertThat(json).contains("\"joins\" : 4", "\"peak\" : 3", "\"averageDuringSet\" : 2.4", "\"disconnectedMs\" : 14000",
                "\"telegram\" : 3");
        assertThat(ShowReport.fromJson(json)).isEqualTo(report);

        Path file = dir.resolve("reports").resolve("rooftop-run1.json");
        report.write(file);
        report.write(file); // replaces it
        assertThat(ShowReport.fromJson(Files.readString(file))).isEqualTo(report);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
        assertThatThrownBy(() -> ShowReport.fromJson("{\"version\":1,\"bogus\":2}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a report");
    }

    @Test
    void theStaffSummaryIsShortPlainText() {
        ShowReport report = ShowReport.of(scriptedRun(), t(1000));

        assertThat(report.summary("Rooftop #3")).isEqualTo("Rooftop #3 — 4 listen taps, 4 joined, peak 3, avg 2;"
                + " first audio in 180 ms (p50), 3.1 s (p99); 2 requests, 2 votes; vinyl: 4 clicks, 3 sold;"
                + " performer dropped once (14 s)");
        assertThat(report.summary("x".repeat(2000))).hasSize(ShowReport.SUMMARY_MAX);
    }

    @Test
    void timeToFirstAudioPercentilesAreNearestRankOverTheListenersWhoJoinedWhileOnAir() {
        List<ShowEvent> e = new ArrayList<>();
        e.add(new ShowEvent.ShowOpened(t(0), "rooftop", List.of("Opening")));
        e.add(new ShowEvent.OnAir(t(1), true));
        // 200 listeners whose audio took 1..200 ms, in a scrambled order (7 and 200 are coprime)
        for (int i = 0; i < 200; i++) {
            e.add(new ShowEvent.AudioStarted(t(10 + i), (i * 7) % 200 + 1));
        }
        ShowReport r = ShowReport.of(e, t(1000));

        // p50: rank ceil(0.50 x 200) = 100; p99: rank ceil(0.99 x 200) = 198
        assertThat(r.timeToFirstAudio()).isEqualTo(new ShowReport.TimeToFirstAudio(200, 100, 198, 200, 0));
        assertThat(r.notes()).isEmpty();
        assertThat(r.summary(null)).contains("; first audio in 100 ms (p50), 198 ms (p99);");
    }

    @Test
    void withoutAudioStartsTheFigureIsEmptyAndANoteSaysSo() {
        ShowReport none = ShowReport.of(List.of(new ShowEvent.ShowOpened(t(0), "rooftop", List.of("Opening")),
                new ShowEvent.OnAir(t(1), true)), t(10));
        assertThat(none.timeToFirstAudio()).isEqualTo(new ShowReport.TimeToFirstAudio(0, 0, 0, 0, 0));
        assertThat(none.notes()).containsExactly(ShowReport.NO_TIME_TO_FIRST_AUDIO);
        assertThat(none.summary(null)).doesNotContain("first audio");

        ShowReport waited = ShowReport.of(List.of(new ShowEvent.ShowOpened(t(0), "rooftop", List.of("Opening")),
                new ShowEvent.OnAir(t(30), true), new ShowEvent.AudioStarted(t(31), 21_000)), t(40));
        assertThat(waited.timeToFirstAudio()).isEqualTo(new ShowReport.TimeToFirstAudio(0, 0, 0, 0, 1));
        assertThat(waited.notes()).singleElement().asString().startsWith("time to first audio leaves out 1 listener who");
        assertThat(waited.summary(null)).doesNotContain("first audio");
    }

    @Test
    void aVersionOneReportStillReadsWithoutTimeToFirstAudio() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode v1 = (ObjectNode) mapper.readTree(ShowReport.of(scriptedRun(), t(1000)).toJson());
        v1.put("version", 1);
        v1.remove("timeToFirstAudio");

        ShowReport old = ShowReport.fromJson(mapper.writeValueAsString(v1));

        assertThat(old.version()).isEqualTo(1);
        assertThat(old.timeToFirstAudio()).isNull();
        assertThat(old.listeners().joins()).isEqualTo(4);
        assertThat(old.summary("Rooftop #3")).startsWith("Rooftop #3 — 4 listen taps, 4 joined, peak 3, avg 2; 2 requests");
    }

    @Test
    void thousandsAndDurationsReadWell() {
        assertThat(ShowReport.number(1204)).isEqualTo("1,204");
        assertThat(ShowReport.duration(14_000)).isEqualTo("14 s");
        assertThat(ShowReport.duration(125_000)).isEqualTo("2 min 5 s");
        assertThat(ShowReport.duration(3_780_000)).isEqualTo("1 h 3 min");
        assertThat(ShowReport.shortDuration(999)).isEqualTo("999 ms");
        assertThat(ShowReport.shortDuration(2_449)).isEqualTo("2.4 s");
    }

    @Test
    void eventsThatAreNotARunAreRefused() {
        assertThatThrownBy(() -> ShowReport.of(List.of(new ShowEvent.SetStarted(T0)), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a run's events");
        assertThatThrownBy(() -> ShowReport.of(List.of(new ShowEvent.ShowOpened(t(5), "x", List.of()),
                new ShowEvent.SetStarted(T0)), T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never go backwards");
    }
}
