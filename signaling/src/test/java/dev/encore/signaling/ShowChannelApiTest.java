package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.ShowEvent;
import dev.encore.show.live.ShowRuleException;
import dev.encore.show.live.ShowState;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel's in-process API (bot bridge, media server, HTTP): feeds, requests, snapshots, drops; real store, fake clock. */
class ShowChannelApiTest {
    private static final String KEY = ShowChannelTest.KEY;
    private static final Instant T0 = Instant.parse("2025-06-01T20:00:00Z");

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(T0);
    private final List<AutoCloseable> open = new ArrayList<>();
    private ShowChannel channel;

    /** Rooftop: Intro, then Harbour Lights which cues the vinyl (3, 10 min); the VIP bundle comes 15 min into the set. */
    static ShowConfig rooftop() {
        Map<String, Drop> drops = new LinkedHashMap<>();
        drops.put("vinyl", new Drop("vinyl", "Signed vinyl, tonight only", URI.create("https://shop.example.org/vinyl"), 3,
                Duration.ofMinutes(10), null));
        drops.put("vip", new Drop("vip", "VIP bundle", URI.create("https://shop.example.org/vip"), null, null,
                Duration.ofMinutes(15)));
        return new ShowConfig(null, "rooftop", "Rooftop", Secret.of(KEY), AccessMode.OPEN, null, null, null,
                List.of(new PlannedSong("Intro"), new PlannedSong("Harbour Lights", List.of("vinyl")),
                        new PlannedSong("Encore")), URI.create("https://live.example.org"), null, drops);
    }

    private void start() throws Exception {
        channel = ShowChannel.start(List.of(rooftop()), null, dataDir, clock, ShowChannelTest.settings(Duration.ZERO));
    }

    private void restart() throws Exception {
        channel.close();
        start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** A performer command over the channel's JSON API; returns the answer. */
    private JsonNode perform(String json) throws Exception {
        String answer = channel.dispatch("rooftop", Role.ofPerformer(), json).get(5, TimeUnit.SECONDS);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer);
    }

    private void tick() throws Exception {
        channel.loop("rooftop").tickNow().get(5, TimeUnit.SECONDS);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the future to fail");
    }

    /** A feed that records its batches; optionally checks, while being called, that what it gets is on disk. */
    final class Recorder implements ShowFeed {
        record Batch(String showId, long runId, List<ShowEvent> events, boolean history) {
        }

        final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();
        final List<String> notOnDisk = Collections.synchronizedList(new ArrayList<>());
        int seen;

        @Override
        public void onEvents(String showId, long runId, List<ShowEvent> events, boolean history) {
            seen += events.size();
            try {
                long stored = storedEvents(runId);
                if (stored < seen) {
                    notOnDisk.add("saw " + seen + " events, " + stored + " stored");
                }
            } catch (SQLException e) {
                notOnDisk.add(e.toString());
            }
            batches.add(new Batch(showId, runId, events, history));
        }

        Batch next() throws InterruptedException {
            Batch b = batches.poll(5, TimeUnit.SECONDS);
            assertThat(b).as("a batch within 5 s").isNotNull();
            return b;
        }

        /** The events of the next batches, at least {@code n} (batches group what committed together). */
        List<ShowEvent> events(int n) throws InterruptedException {
            List<ShowEvent> events = new ArrayList<>();
            while (events.size() < n) {
                events.addAll(next().events());
            }
            return events;
        }

        /** Events of the next batches until one of this type arrives; returns all of them. */
        List<ShowEvent> until(Class<? extends ShowEvent> type) throws InterruptedException {
            List<ShowEvent> events = new ArrayList<>();
            while (events.stream().noneMatch(type::isInstance)) {
                events.addAll(next().events());
            }
            return events;
        }
    }

    private long storedEvents(long runId) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(ShowChannel.DATABASE_FILE));
                PreparedStatement q = db.prepareStatement("SELECT count(*) FROM events WHERE run_id = ?")) {
            q.setLong(1, runId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private Recorder subscribe() {
        Recorder feed = new Recorder();
        open.add(channel.subscribe("rooftop", feed));
        return feed;
    }

    @Test
    void aFeedGetsTheStoredHistoryFirstThenEachBatchOnceStored() throws Exception {
        start();
        await(channel.submitRequest("rooftop", "tg:1", "Wonderwall"));

        Recorder feed = subscribe();
        Recorder.Batch history = feed.next();

        assertThat(history.history()).isTrue();
        assertThat(history.showId()).isEqualTo("rooftop");
        assertThat(history.events()).extracting(e -> e.getClass().getSimpleName()).containsExactly("ShowOpened",
                "RequestSubmitted");
        assertThat(perform("{\"type\":\"set.start\",\"v\":1,\"id\":\"p1\"}").path("type").asText()).isEqualTo("ack");
        Recorder.Batch live = feed.next();
        assertThat(live.history()).isFalse();
        assertThat(live.runId()).isEqualTo(history.runId());
        assertThat(live.events()).extracting(e -> e.getClass().getSimpleName()).containsExactly("SetStarted", "SongStarted");
        assertThat(feed.notOnDisk).isEmpty();
    }

    @Test
    void severalFeedsAThrowingOneAndClosingOne() throws Exception {
        start();
        Recorder first = subscribe();
        AutoCloseable failing = channel.subscribe("rooftop", (show, run, events, history) -> {
            throw new IllegalStateException("a broken feed");
        });
        open.add(failing);
        Recorder second = new Recorder();
        AutoCloseable secondHandle = channel.subscribe("rooftop", second);
        first.next();
        second.next();

        channel.onAir("rooftop", true);
        assertThat(first.next().events()).containsExactly(new ShowEvent.OnAir(T0, true));
        assertThat(second.next().events()).containsExactly(new ShowEvent.OnAir(T0, true));

        secondHandle.close();
        clock.advance(Duration.ofSeconds(1));
        channel.onAir("rooftop", false);
        assertThat(first.next().events()).containsExactly(new ShowEvent.OnAir(T0.plusSeconds(1), false));
        tick(); // the loop is alive: ticks still run
        assertThat(await(channel.publicSnapshot("rooftop")).showId()).isEqualTo("rooftop");
        assertThat(second.batches.poll(200, TimeUnit.MILLISECONDS)).as("closed feeds get nothing more").isNull();
    }

    @Test
    void onAirIsRecordedOnlyOnChange() throws Exception {
        start();
        Recorder feed = subscribe();
        feed.next();

        channel.onAir("rooftop", true);
        channel.onAir("rooftop", true);
        clock.advance(Duration.ofSeconds(2));
        channel.onAir("rooftop", false);

        assertThat(feed.events(2)).containsExactly(new ShowEvent.OnAir(T0, true), new ShowEvent.OnAir(T0.plusSeconds(2), false));
    }

    @Test
    void requestsFromTheGroupFollowTheListenersRules() throws Exception {
        start();

        RequestReceipt first = await(channel.submitRequest("rooftop", "tg:12345", "Wonderwall"));
        assertThat(first).isEqualTo(new RequestReceipt(1, 1, 1, false));
        RequestReceipt other = await(channel.submitRequest("rooftop", "tg:777", "Hallelujah"));
        assertThat(other).isEqualTo(new RequestReceipt(2, 1, 2, false));
        RequestReceipt merged = await(channel.submitRequest("rooftop", "tg:777", "wonderwall"));
        assertThat(merged).isEqualTo(new RequestReceipt(1, 2, 1, true));

        Throwable tooSoon = failure(channel.submitRequest("rooftop", "tg:12345", "Blackbird"));
        assertThat(tooSoon).isInstanceOf(ShowRuleException.class);
        assertThat(((ShowRuleException) tooSoon).code()).isEqualTo("rate_limited");
        Throwable again = failure(channel.submitRequest("rooftop", "tg:12345", "Wonderwall"));
        assertThat(((ShowRuleException) again).code()).isEqualTo("already_voted");
        Throwable badId = failure(channel.submitRequest("rooftop", "tg 1", "Blackbird"));
        assertThat(((ShowRuleException) badId).code()).isEqualTo("listener_invalid");
        Throwable badTitle = failure(channel.submitRequest("rooftop", "tg:9", ""));
        assertThat(((ShowRuleException) badTitle).code()).isEqualTo("title_invalid");

        clock.advance(Duration.ofSeconds(31));
        RequestReceipt later = await(channel.submitRequest("rooftop", "tg:12345", "Blackbird"));
        assertThat(later.requestId()).isEqualTo(3);
        assertThat(later.rank()).isEqualTo(3);
        ShowState state = await(channel.publicSnapshot("rooftop"));
        assertThat(state.queue()).extracting(ShowState.QueuedRequest::title).containsExactly("Wonderwall", "Hallelujah",
                "Blackbird");
    }

    @Test
    void aCuedDropOpensWithItsSongAndSalesCountDownToSoldOut() throws Exception {
        start();
        Recorder feed = subscribe();
        feed.next();
        perform("{\"type\":\"set.start\",\"v\":1}");
        clock.advance(Duration.ofSeconds(60));
        perform("{\"type\":\"set.next\",\"v\":1}");
        Instant opened = T0.plusSeconds(60);

        assertThat(feed.until(ShowEvent.DropOpened.class)).contains(new ShowEvent.DropOpened(opened, "vinyl",
                opened.plus(Duration.ofMinutes(10)), 3));
        assertThat(await(channel.dropSold("rooftop", "vinyl", 1, "order-1"))).isEqualTo(2);
        assertThat(await(channel.dropSold("rooftop", "vinyl", 1, "order-1"))).as("a repeated order").isEqualTo(2);
        assertThat(await(channel.dropSold("rooftop", "vip", 5, "order-1"))).as("no counter").isEqualTo(-1);
        assertThat(await(channel.dropSold("rooftop", "vinyl", 2, "order-2"))).isZero();

        assertThat(feed.until(ShowEvent.DropClosed.class)).endsWith(
                new ShowEvent.DropSold(opened, "vinyl", 2, 0, "order-2"),
                new ShowEvent.DropClosed(opened, "vinyl", DropCloseReason.SOLD_OUT));
        ShowState.DropView vinyl = await(channel.publicSnapshot("rooftop")).drops().get(0);
        assertThat(vinyl.path()).isEqualTo("/go/rooftop/vinyl");
        assertThat(vinyl.remaining()).isZero();
        assertThat(vinyl.closeReason()).isEqualTo(DropCloseReason.SOLD_OUT);
        assertThat(feed.notOnDisk).isEmpty();
    }

    @Test
    void refusedSalesFailWithTheirCode() throws Exception {
        start();

        assertThat(((ShowRuleException) failure(channel.dropSold("rooftop", "vynil", 1, "o"))).code())
                .isEqualTo("no_such_drop");
        assertThat(((ShowRuleException) failure(channel.dropSold("rooftop", "vinyl", 0, "o"))).code())
                .isEqualTo("bad_quantity");
        assertThat(((ShowRuleException) failure(channel.dropSold("rooftop", "vinyl", 1, "a b"))).code())
                .isEqualTo("order_invalid");
    }

    @Test
    void aTimedDropOpensOnATickAndItsWindowClosesOnAnother() throws Exception {
        start();
        Recorder feed = subscribe();
        feed.next();
        perform("{\"type\":\"set.start\",\"v\":1}");

        clock.advance(Duration.ofMinutes(15));
        tick();

        assertThat(feed.until(ShowEvent.DropOpened.class)).contains(new ShowEvent.DropOpened(T0.plus(Duration.ofMinutes(15)),
                "vip", null, -1));
        perform("{\"type\":\"set.next\",\"v\":1}"); // the vinyl, 10 minutes
        clock.advance(Duration.ofMinutes(11));
        tick();
        assertThat(feed.until(ShowEvent.DropClosed.class)).contains(new ShowEvent.DropClosed(
                T0.plus(Duration.ofMinutes(25)), "vinyl", DropCloseReason.WINDOW));
        perform("{\"type\":\"set.end\",\"v\":1}");
        assertThat(feed.until(ShowEvent.SetEnded.class)).endsWith(new ShowEvent.DropClosed(T0.plus(Duration.ofMinutes(26)),
                "vip", DropCloseReason.SET_ENDED));
    }

    @Test
    void clicksAreStoredWithASanitizedSource() throws Exception {
        start();
        Recorder feed = subscribe();
        feed.next();

        channel.dropClicked("rooftop", "vinyl", "telegram");
        channel.dropClicked("rooftop", "nope", "page"); // not counted, not a failure
        channel.dropClicked("rooftop", "vip", "<b>");

        assertThat(feed.events(2)).containsExactly(new ShowEvent.DropClicked(T0, "vinyl", "telegram"),
                new ShowEvent.DropClicked(T0, "vip", "other"));
    }

    @Test
    void audioStartsAreStoredWithTheirTimeToFirstAudioAndSurviveARestart() throws Exception {
        start();
        Recorder feed = subscribe();
        feed.next();

        channel.audioStarted("rooftop", Duration.ofNanos(183_999_999));
        clock.advance(Duration.ofSeconds(2));
        channel.audioStarted("rooftop", Duration.ofMillis(2_450));
        assertThatThrownBy(() -> channel.audioStarted("rooftop", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 0");

        List<ShowEvent> expected = List.of(new ShowEvent.AudioStarted(T0, 183),
                new ShowEvent.AudioStarted(T0.plusSeconds(2), 2_450));
        assertThat(feed.events(2)).isEqualTo(expected);
        restart();
        assertThat(subscribe().next().events()).endsWith(expected.toArray(ShowEvent[]::new));
    }

    @Test
    void unknownShows() throws Exception {
        start();

        assertThatThrownBy(() -> channel.subscribe("nope", (s, r, e, h) -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("show 'nope' (expected: one of rooftop)");
        assertThatThrownBy(() -> channel.onAir("nope", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channel.dropClicked(null, "vinyl", "page")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channel.audioStarted("nope", Duration.ofMillis(5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(channel.submitRequest("nope", "tg:1", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(channel.dropSold("nope", "vinyl", 1, "o"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(channel.publicSnapshot("nope"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterARestartTheHistoryHoldsWhatFeedsSawAndNoDropOpensTwice() throws Exception {
        start();
        Recorder before = subscribe();
        List<ShowEvent> seen = new ArrayList<>(before.next().events());
        perform("{\"type\":\"set.start\",\"v\":1}");
        perform("{\"type\":\"set.next\",\"v\":1}");
        await(channel.dropSold("rooftop", "vinyl", 1, "order-1"));
        seen.addAll(before.until(ShowEvent.DropSold.class));
        open.clear();

        restart();
        Recorder after = subscribe();
        Recorder.Batch history = after.next();

        assertThat(history.history()).isTrue();
        assertThat(history.events().subList(0, seen.size())).isEqualTo(seen);
        assertThat(await(channel.dropSold("rooftop", "vinyl", 1, "order-1"))).isEqualTo(2);
        perform("{\"type\":\"set.prev\",\"v\":1}");
        perform("{\"type\":\"set.next\",\"v\":1}");
        ShowState state = await(channel.publicSnapshot("rooftop"));
        assertThat(state.drops()).extracting(ShowState.DropView::id).containsExactly("vinyl");
        assertThat(state.drops().get(0).remaining()).isEqualTo(2);
    }

    @Test
    void listenersGetDropsInTheirStateAndACoalescedBroadcast() throws Exception {
        start();
        try (TestHttpServer server = new TestHttpServer(channel)) {
            WsClient anna = WsClient.join(server.ws("/ws/rooftop"), ShowChannelTest.HELLO);
            open.add(anna);
            perform("{\"type\":\"set.start\",\"v\":1}");
            perform("{\"type\":\"set.next\",\"v\":1}");
            await(channel.dropSold("rooftop", "vinyl", 1, "a"));
            await(channel.dropSold("rooftop", "vinyl", 1, "b"));
            tick();

            JsonNode drops = anna.next("drops");
            assertThat(drops.path("drops")).hasSize(1);
            JsonNode card = drops.path("drops").get(0);
            assertThat(card.path("id").asText()).isEqualTo("vinyl");
            assertThat(card.path("link").asText()).isEqualTo("/go/rooftop/vinyl");
            assertThat(card.path("state").asText()).isEqualTo("open");
            assertThat(card.path("remaining").asInt()).as("one broadcast for the opening and both sales").isEqualTo(1);
            assertThat(card.toString()).doesNotContain("shop.example.org");

            WsClient ben = WsClient.connect(server.ws("/ws/rooftop"));
            open.add(ben);
            ben.send(ShowChannelTest.HELLO);
            JsonNode state = ben.next("state");
            assertThat(state.path("drops").get(0).path("remaining").asInt()).isEqualTo(1);
            anna.send("{\"type\":\"react\",\"v\":1,\"id\":\"marker\",\"reaction\":\"heart\"}");
            anna.answer("marker");
            assertThat(anna.count("drops")).isEqualTo(1);
        }
    }
}
