package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.show.live.LiveShow;
import dev.encore.show.live.ReactionKind;
import dev.encore.show.live.ShowEvent;
import dev.encore.show.live.ShowRules;
import dev.encore.show.live.Tier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {
    @TempDir
    Path dir;

    /** Every kind of event a show emits, from a scripted show. */
    private static List<ShowEvent> allKinds() {
        List<ShowEvent> events = new ArrayList<>();
        LiveShow show = LiveShow.open("rooftop", List.of("Intro", "Blackbird"), ShowRules.defaults(), Scenario.T0, events::add);
        show.performerOnline(true, Scenario.at(1));
        show.listenerConnected(Scenario.ANNA, Tier.VIP, Scenario.at(2));
        show.startSet(Scenario.at(3));
        show.submitRequest(Scenario.ANNA, "Wonderwall", Scenario.at(4));
        show.submitRequest(Scenario.BEN, "Wonderwall", Scenario.at(5));
        show.submitRequest(Scenario.BEN, "Hallelujah", Scenario.at(6));
        show.acceptRequest(1, Scenario.at(7));
        show.dismissRequest(2, Scenario.at(8));
        show.nextSong(Scenario.at(9));
        show.jumpTo(2, Scenario.at(10));
        show.openPoll("Encore?", List.of("A", "B"), Duration.ofSeconds(5), Scenario.at(11));
        show.vote(Scenario.ANNA, 1, 1, Scenario.at(12));
        show.react(Scenario.ANNA, ReactionKind.FIRE, Scenario.at(12));
        show.tick(Scenario.at(20));
        show.addSong("Outro", Scenario.at(21));
        show.listenerDisconnected(Scenario.ANNA, Scenario.at(22));
        show.endSet(Scenario.at(23));
        return events;
    }

    @Test
    void theLatestEndedRunIsFoundPastTheNewerRunsWhoseSetGoesOn() throws Exception {
        try (EventStore store = EventStore.open(dir.resolve("encore.db"))) {
            assertThat(store.latestEndedRun("rooftop")).isEmpty();
            long first = store.newRun("rooftop", Scenario.T0);
            store.append(first, List.of(new ShowEvent.ShowOpened(Scenario.T0, "rooftop", List.of()),
                    new ShowEvent.SetStarted(Scenario.at(1)), new ShowEvent.SetEnded(Scenario.at(2))));
            long ended = store.newRun("rooftop", Scenario.at(3));
            store.append(ended, List.of(new ShowEvent.ShowOpened(Scenario.at(3), "rooftop", List.of()),
                    new ShowEvent.SetStarted(Scenario.at(4)), new ShowEvent.SetEnded(Scenario.at(5)),
                    new ShowEvent.PageOpened(Scenario.at(6), "telegram")));
            long other = store.newRun("harbour", Scenario.at(7));
            store.append(other, List.of(new ShowEvent.ShowOpened(Scenario.at(7), "harbour", List.of()),
                    new ShowEvent.SetEnded(Scenario.at(8))));
            long open = store.newRun("rooftop", Scenario.at(9)); // the next start: a new run, its set not ended
            store.append(open, List.of(new ShowEvent.ShowOpened(Scenario.at(9), "rooftop", List.of())));

            EventStore.Run run = store.latestEndedRun("rooftop").orElseThrow();
            assertThat(run.runId()).isEqualTo(ended);
            assertThat(run.startedAt()).isEqualTo(Scenario.at(3));
            assertThat(run.events()).hasSize(4).last().isEqualTo(new ShowEvent.PageOpened(Scenario.at(6), "telegram"));
            assertThat(store.append(open, List.of(new ShowEvent.SetStarted(Scenario.at(10))))).isEqualTo(2);
        }
        try (EventStore store = EventStore.open(dir.resolve("encore.db"))) { // a read only: the run is not opened to append
            long ended = store.latestEndedRun("rooftop").orElseThrow().runId();
            assertThatThrownBy(() -> store.append(ended, List.of(new ShowEvent.PageOpened(Scenario.at(10), "x"))))
                    .hasMessageContaining("run " + ended);
        }
    }

    @Test
    void storesEveryEventKindAndReadsItBackForReplay() throws Exception {
        List<ShowEvent> events = allKinds();
        assertThat(events.stream().map(e -> e.getClass().getSimpleName()).distinct()).hasSize(17);

        try (EventStore store = EventStore.open(dir.resolve("encore.db"))) {
            long run = store.newRun("rooftop", Scenario.T0);
            assertThat(store.append(run, events.subList(0, 5))).isEqualTo(5);
            assertThat(store.append(run, events.subList(5, events.size()))).isEqualTo(events.size());
        }
        try (EventStore store = EventStore.open(dir.resolve("encore.db"))) {
            EventStore.Run run = store.latestRun("rooftop").orElseThrow();

            assertThat(run.events()).isEqualTo(events);
            assertThat(LiveShow.replay(run.events(), ShowRules.defaults(), e -> { }).publicSnapshot().setList()).hasSize(4);
            assertThat(store.append(run.runId(), List.of(new ShowEvent.SetStarted(Scenario.at(30)))))
                    .isEqualTo(events.size() + 1);
            assertThat(store.latestRun("other")).isEmpty();
        }
    }

    @Test
    void usesWalWithFullSyncAndAVersionedSchema() throws Exception {
        Path file = dir.resolve("encore.db");
        try (EventStore store = EventStore.open(file)) {
            assertThat(store.schemaVersion()).isEqualTo(EventStore.MIGRATIONS.size());
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM schema_version")) {
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            s.execute("UPDATE schema_version SET version = 99");
        }
        assertThatThrownBy(() -> EventStore.open(file)).hasMessageContaining("schema version")
                .hasMessageContaining("99").hasMessageContaining("(expected: at most 1");
    }

    @Test
    void theLatestRunWins() throws Exception {
        try (EventStore store = EventStore.open(dir.resolve("encore.db"))) {
            long first = store.newRun("rooftop", Scenario.T0);
            store.append(first, List.of(new ShowEvent.ShowOpened(Scenario.T0, "rooftop", List.of("A"))));
            long second = store.newRun("rooftop", Scenario.at(100));
            store.append(second, List.of(new ShowEvent.ShowOpened(Scenario.at(100), "rooftop", List.of("B"))));

            EventStore.Run run = store.latestRun("rooftop").orElseThrow();

            assertThat(run.runId()).isEqualTo(second);
            assertThat(((ShowEvent.ShowOpened) run.events().get(0)).songs()).containsExactly("B");
        }
    }

    @Test
    void refusesUnknownRunsAndUseAfterClose() throws Exception {
        EventStore store = EventStore.open(dir.resolve("encore.db"));
        assertThatThrownBy(() -> store.append(42, List.of(new ShowEvent.SetStarted(Scenario.T0))))
                .hasMessageContaining("run 42");
        store.close();
        assertThatThrownBy(() -> store.newRun("rooftop", Scenario.T0)).hasMessageContaining("closed");
    }

    @Test
    void aStoredEventIsReadableJson() {
        assertThat(EventJson.write(new ShowEvent.VoteCast(Scenario.at(1), 1, Scenario.ANNA, 2, -1)))
                .isEqualTo("{\"e\":\"VoteCast\",\"at\":\"2025-06-01T20:00:01Z\",\"pollId\":1,\"listenerId\":\""
                        + Scenario.ANNA + "\",\"option\":2,\"previousOption\":-1}");
        assertThatThrownBy(() -> EventJson.read("{\"e\":\"Nope\"}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAudioStartIsStoredAsReadableJsonAndReadBack() {
        ShowEvent started = new ShowEvent.AudioStarted(Scenario.at(1), 184);
        String json = "{\"e\":\"AudioStarted\",\"at\":\"2025-06-01T20:00:01Z\",\"ttfaMillis\":184}";

        assertThat(EventJson.write(started)).isEqualTo(json);
        assertThat(EventJson.read(json)).isEqualTo(started);
        assertThatThrownBy(() -> EventJson.read(json.replace("184", "-1"))).isInstanceOf(IllegalArgumentException.class);
    }
}
