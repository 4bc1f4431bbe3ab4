package dev.encore.bot;

import static dev.encore.bot.BridgeRig.GROUP;
import static dev.encore.bot.BridgeRig.LISTEN_URL;
import static dev.encore.bot.BridgeRig.STAFF;
import static dev.encore.bot.BridgeRig.T0;
import static dev.encore.bot.BridgeRig.TOKEN;
import static dev.encore.bot.BridgeRig.TOPIC;
import static dev.encore.bot.BridgeRig.VINYL_URL;
import static dev.encore.bot.BridgeRig.VIP_URL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.bot.telegram.OutgoingMessage;
import dev.encore.bot.telegram.PengradTelegramApi;
import dev.encore.bot.telegram.TelegramApi;
import dev.encore.bot.telegram.TelegramException;
import dev.encore.bot.telegram.fake.FakeBotApi;
import dev.encore.bot.telegram.fake.FakeBotApi.Button;
import dev.encore.bot.telegram.fake.FakeBotApi.Call;
import dev.encore.bot.telegram.fake.FakeBotApi.ChatMessage;
import dev.encore.bot.telegram.fake.MutableClock;
import dev.encore.show.AccessMode;
import dev.encore.show.Drop;
import dev.encore.show.HighlightsSettings;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.RequestReceipt;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against the fake Bot API over HTTP on 127.0.0.1, through the real client ({@link PengradTelegramApi}): Telegram's
 * rules (rate limits with 429, "message is not modified", migration) and failures (5xx, lost answers, hung requests) as the
 * wire shows them. One fake clock drives the bridge and the fake's rate limits.
 */
class TelegramBridgeHttpTest {
    private static final long RUN = 1;

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at(T0);
    private final TestDesk desk = new TestDesk();
    private final List<AutoCloseable> open = new ArrayList<>();
    private FakeBotApi telegram;
    private LogCapture logs;

    @BeforeEach
    void startFake() {
        logs = new LogCapture();
        telegram = FakeBotApi.start(TOKEN, clock);
        telegram.addChat(GROUP);
        telegram.addChat(STAFF);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        telegram.close();
        String logged = logs.text();
        logs.close();
        // whatever happened in the test: the token never reached a log line, an exception or a stack trace
        assertThat(logged).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(11));
    }

    private ShowConfig show(Drop... extra) {
        return BridgeRig.show(AccessMode.OPEN, STAFF, telegram.apiUrl(), extra);
    }

    private TelegramApi client(Duration read) {
        return PengradTelegramApi.create(Secret.of(TOKEN), telegram.apiUrl(),
                new PengradTelegramApi.Timeouts(Duration.ofSeconds(2), read, Duration.ofSeconds(5)));
    }

    private TelegramBridge bridge(ShowConfig show) throws SQLException {
        return bridge(show, client(Duration.ofSeconds(5)));
    }

    private TelegramBridge bridge(ShowConfig show, TelegramApi api) throws SQLException {
        TelegramBridge bridge = BridgeRig.open(show, api, desk, dir, clock);
        open.add(bridge);
        return bridge;
    }

    private void drive(TelegramBridge bridge, Duration more) throws SQLException {
        BridgeRig.drive(bridge, clock, clock::set, clock.instant().plus(more));
    }

    private List<Call> groupCalls() {
        return telegram.calls().stream().filter(c -> c.chatId() != null && c.chatId() == GROUP).toList();
    }

    @Test
    void aFullSetRunsItselfInTheGroup() throws SQLException {
        TelegramBridge bridge = bridge(show());
        BridgeRig.play(bridge, clock, clock::set, RUN, BridgeRig.fullSet());

        List<ChatMessage> posts = telegram.botMessages(GROUP);
        assertThat(posts).extracting(ChatMessage::threadId).containsOnly(TOPIC);
        assertThat(posts).hasSize(4);
        ChatMessage announce = posts.get(0);
        assertThat(announce.text()).isEqualTo("🎶 Rooftop Acoustic #3 is live — tap to listen");
        assertThat(announce.buttons()).containsExactly(Button.url("Tap to listen", LISTEN_URL));
        assertThat(announce.sentAt()).isEqualTo(T0.plusSeconds(5));
        ChatMessage vinyl = posts.get(1);
        assertThat(vinyl.sentAt()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
        assertThat(vinyl.earlierTexts()).containsExactly("Signed vinyl, tonight only — 50 left",
                "Signed vinyl, tonight only — 49 left", "Signed vinyl, tonight only — 40 left",
                "Signed vinyl, tonight only — 38 left");
        assertThat(vinyl.text()).isEqualTo("Signed vinyl, tonight only — offer closed");
        assertThat(vinyl.buttons()).isEmpty();
        ChatMessage vip = posts.get(2);
        assertThat(vip.sentAt()).isEqualTo(T0.plusSeconds(10).plus(Duration.ofMinutes(15)));
        assertThat(vip.text()).isEqualTo("VIP bundle: backstage Q&A + lossless recording — offer closed");
        assertThat(posts.get(3).text()).startsWith("🙏 Thank you for listening to Rooftop Acoustic #3!");

        List<Call> edits = telegram.calls("editMessageText").stream()
                .filter(c -> c.messageId() == vinyl.messageId() && c.text().endsWith("left")).toList();
        for (int i = 1; i < edits.size(); i++) {
            assertThat(Duration.between(edits.get(i - 1).at(), edits.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        }
        assertThat(edits).allSatisfy(c -> assertThat(c.buttons()).containsExactly(Button.url("Buy", VINYL_URL)));
        assertThat(telegram.calls("sendMessage").stream().filter(c -> c.text().startsWith("VIP")).findFirst().orElseThrow()
                .buttons()).containsExactly(Button.url("Buy", VIP_URL));
        assertThat(telegram.calls()).allSatisfy(c -> assertThat(c.ok()).as("%s", c).isTrue()); // never a 429 or a refusal
    }

    @Test
    void anotherSenderFillingTheGroupCausesA429StormThatOnlyDelaysThePosts() throws Exception {
        Drop[] extra = new Drop[8];
        List<ShowEvent> burst = new ArrayList<>();
        burst.add(new ShowEvent.OnAir(T0, true));
        for (int i = 0; i < extra.length; i++) {
            extra[i] = new Drop("d" + i, "Offer " + i, URI.create("https://shop.example.org/" + i), null, null, null);
            burst.add(new ShowEvent.DropOpened(T0, "d" + i, null, -1));
        }
        // someone else (another bot process with the same token) used up the group's minute
        try (TelegramApi other = client(Duration.ofSeconds(5))) {
            for (int i = 0; i < FakeBotApi.GROUP_MESSAGES_PER_MINUTE; i++) {
                other.sendMessage(new OutgoingMessage(GROUP, null, "spam " + i, List.of(), null));
                clock.advance(Duration.ofSeconds(1));
            }
        }
        TelegramBridge bridge = bridge(show(extra));
        bridge.handleEvents(RUN, burst);
        drive(bridge, Duration.ofMinutes(5));

        List<Call> bridgeCalls = groupCalls().stream().filter(c -> !c.text().startsWith("spam")).toList();
        assertThat(bridgeCalls).anySatisfy(c -> assertThat(c.status()).isEqualTo(429));
        List<String> posted = telegram.botMessages(GROUP).stream().map(ChatMessage::text).filter(t -> !t.startsWith("spam"))
                .toList();
        List<String> expected = new ArrayList<>(List.of("🎶 Rooftop Acoustic #3 is live — tap to listen"));
        for (int i = 0; i < extra.length; i++) {
            expected.add("Offer " + i);
        }
        assertThat(posted).containsExactlyElementsOf(expected);
        // after a 429 the bridge waits as long as told before it tries the chat again
        for (int i = 0; i < bridgeCalls.size() - 1; i++) {
            Call call = bridgeCalls.get(i);
            if (call.status() == 429) {
                Matcher m = Pattern.compile("retry after (\\d+)").matcher(call.description());
                assertThat(m.find()).isTrue();
                assertThat(bridgeCalls.get(i + 1).at()).isAfterOrEqualTo(call.at().plusSeconds(Long.parseLong(m.group(1))));
            }
        }
    }

    @Test
    void aServerErrorBurstIsRetriedWithBackoffInOrder() throws SQLException {
        telegram.failNext("sendMessage", 3, FakeBotApi.Failure.BAD_GATEWAY);
        telegram.failNext("editMessageText", 2, FakeBotApi.Failure.BAD_GATEWAY_HTML);
        TelegramBridge bridge = bridge(show());
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50),
                new ShowEvent.DropSold(T0, "vinyl", 5, 45, "A-1"), new ShowEvent.SetEnded(T0)));
        drive(bridge, Duration.ofMinutes(2));

        assertThat(telegram.botMessages(GROUP)).extracting(ChatMessage::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen", "Signed vinyl, tonight only — 45 left",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(telegram.calls("sendMessage").stream().filter(Call::ok).findFirst().orElseThrow().at())
                .isEqualTo(T0.plusSeconds(1 + 2 + 4));
        assertThat(telegram.botMessages(STAFF)).isEmpty();
    }

    @Test
    void aLostAnswerIsNeverResentAndIsReportedToTheStaff() throws SQLException {
        telegram.failNext("sendMessage", 1, FakeBotApi.Failure.ACT_THEN_DROP);
        TelegramBridge bridge = bridge(show());
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.SetEnded(T0)));
        drive(bridge, Duration.ofMinutes(1));

        assertThat(telegram.botMessages(GROUP)).extracting(ChatMessage::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen",
                "🙏 Thank you for listening to Rooftop Acoustic #3! The set has ended — see you at the next show.");
        assertThat(telegram.botMessages(STAFF)).singleElement().satisfies(m -> assertThat(m.text()).contains("announce")
                .contains("may or may not"));
    }

    @Test
    void theProcessKilledDuringASendIsRestartedWithoutADuplicateOrALoss() throws Exception {
        telegram.failNext("sendMessage", 1, FakeBotApi.Failure.ACT_THEN_HANG); // the announcement is posted, no answer comes
        TelegramBridge dying = BridgeRig.open(show(), client(Duration.ofSeconds(30)), desk, dir, clock);
        dying.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Instant> stuck = thread.submit(dying::runDue);
            telegram.awaitHung(1, Duration.ofSeconds(10));

            // "killed": its row stays "sending" in the database; a new process starts on the same data directory
            TelegramBridge restarted = bridge(show());
            restarted.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50)));
            restarted.handleEvents(RUN, List.of(new ShowEvent.DropSold(T0, "vinyl", 2, 48, "A-1")));
            drive(restarted, Duration.ofMinutes(1));

            assertThat(telegram.botMessages(GROUP)).extracting(ChatMessage::text).containsExactly(
                    "🎶 Rooftop Acoustic #3 is live — tap to listen", "Signed vinyl, tonight only — 48 left");
            assertThat(telegram.botMessages(STAFF)).singleElement().satisfies(m -> assertThat(m.text())
                    .contains("the server stopped while sending the post “announce”").contains("will not be sent again"));

            telegram.releaseHung(); // the old process's request ends without an answer: still nothing twice
            stuck.get(10, TimeUnit.SECONDS);
            drive(restarted, Duration.ofMinutes(1));
            assertThat(telegram.botMessages(GROUP)).hasSize(2);
            assertThat(telegram.botMessages(STAFF)).hasSize(1);
        } finally {
            thread.shutdownNow();
            dying.close();
        }
    }

    /** The show with {@code highlights.offer} set to {@code offer}. */
    private ShowConfig withOffer(ShowConfig s, String offer) {
        return new ShowConfig(s.source(), s.id(), s.title(), s.performerKey(), s.access(), s.audio(), s.rtpIngest(),
                s.capacity(), s.setList(), s.publicUrl(), s.telegram(), s.drops(), s.recording(),
                new HighlightsSettings(60, null, offer));
    }

    private Path clipFile(String name, int bytes) throws IOException {
        byte[] content = new byte[bytes];
        new Random(bytes).nextBytes(content);
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void theClipGoesToTheGroupOnceWithTheOfferAndTheReportToTheStaff() throws Exception {
        Path clip = clipFile("rooftop-3-run1.mp4", 200_000);
        TelegramBridge bridge = bridge(withOffer(show(), "vip"));

        assertThat(bridge.postClip(RUN, new OutboxVideo(clip, 42, 640, 360), "Harbour Lights")).isTrue();
        assertThat(bridge.postReport(RUN, "Rooftop Acoustic #3 — 12 joined, peak 9")).isTrue();
        assertThat(bridge.postClip(RUN, new OutboxVideo(clip, 42, 640, 360), "Encore")).isFalse();
        assertThat(bridge.postReport(RUN, "again")).isFalse();
        drive(bridge, Duration.ofMinutes(1));

        assertThat(telegram.videos()).singleElement().satisfies(v -> {
            assertThat(v.chatId()).isEqualTo(GROUP);
            assertThat(v.content()).isEqualTo(Files.readAllBytes(clip));
            assertThat(v.caption()).isEqualTo("🎬 Tonight's highlight from Rooftop Acoustic #3: “Harbour Lights”\n\n"
                    + "VIP bundle: backstage Q&A + lossless recording");
            assertThat(v.params()).containsEntry("duration", "42").containsEntry("message_thread_id", "" + TOPIC);
        });
        ChatMessage video = telegram.botMessages(GROUP).get(0);
        assertThat(video.buttons()).containsExactly(Button.url("Buy", "https://live.example.org/go/rooftop-3/vip?src=clip"));
        assertThat(telegram.botMessages(STAFF)).singleElement().satisfies(m -> assertThat(m.text())
                .isEqualTo("📊 After the set: Rooftop Acoustic #3 — 12 joined, peak 9\nThe whole report:"
                        + " https://live.example.org/p/rooftop-3/report"));
        assertThat(bridge.entries()).filteredOn(e -> e.key().equals(TelegramBridge.CLIP_KEY)).singleElement()
                .satisfies(e -> {
                    assertThat(e.state()).isEqualTo(OutboxState.SENT);
                    assertThat(e.video()).isEqualTo(new OutboxVideo(clip.toAbsolutePath(), 42, 640, 360));
                });

        // a restart on the same data directory: the run's clip and report are there already
        bridge.close();
        TelegramBridge restarted = bridge(withOffer(show(), "vip"));
        assertThat(restarted.queued(RUN, TelegramBridge.CLIP_KEY)).isTrue();
        assertThat(restarted.postClip(RUN, new OutboxVideo(clip, 42, 640, 360), "Harbour Lights")).isFalse();
        assertThat(restarted.postReport(RUN, "Rooftop Acoustic #3 — 12 joined, peak 9")).isFalse();
        drive(restarted, Duration.ofMinutes(1));
        assertThat(telegram.calls("sendVideo")).hasSize(1);
        assertThat(telegram.botMessages(STAFF)).hasSize(1);
    }

    @Test
    void withoutAnOfferTheCaptionIsTheShowAndTheSongAndWithoutAStaffChatNothingGoesThere() throws Exception {
        Path clip = clipFile("clip.mp4", 1000);
        TelegramBridge bridge = bridge(BridgeRig.show(AccessMode.OPEN, null, telegram.apiUrl()));

        assertThat(bridge.postReport(RUN, "a summary")).isFalse();
        assertThat(bridge.alertStaff(RUN, "alert:recording", "the recording failed")).isFalse();
        assertThat(bridge.postClip(RUN, new OutboxVideo(clip, 0, 0, 0), "Encore")).isTrue();
        drive(bridge, Duration.ofMinutes(1));

        assertThat(telegram.videos()).singleElement().satisfies(v -> {
            assertThat(v.caption()).isEqualTo("🎬 Tonight's highlight from Rooftop Acoustic #3: “Encore”");
            assertThat(v.params()).doesNotContainKeys("duration", "width", "height", "reply_markup");
        });
        assertThat(telegram.calls("sendMessage")).isEmpty();
        assertThat(logs.text()).contains("no staffChatId, report not posted: a summary");
    }

    @Test
    void aProcessKilledDuringTheUploadLeavesTheClipUnknownNeverResent() throws Exception {
        Path clip = clipFile("clip.mp4", 50_000);
        telegram.failNext("sendVideo", 1, FakeBotApi.Failure.ACT_THEN_HANG); // the video is posted, no answer comes
        TelegramBridge dying = BridgeRig.open(show(), client(Duration.ofSeconds(30)), desk, dir, clock);
        dying.postClip(RUN, new OutboxVideo(clip, 3, 640, 360), "Encore");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Instant> stuck = thread.submit(dying::runDue);
            telegram.awaitHung(1, Duration.ofSeconds(10));

            // "killed" mid-upload: a new process on the same data directory finds the row "sending"
            TelegramBridge restarted = bridge(show());
            assertThat(restarted.entries()).filteredOn(e -> e.key().equals(TelegramBridge.CLIP_KEY)).singleElement()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(OutboxState.UNKNOWN));
            assertThat(restarted.postClip(RUN, new OutboxVideo(clip, 3, 640, 360), "Encore")).isFalse();
            drive(restarted, Duration.ofMinutes(1));

            assertThat(telegram.calls("sendVideo")).hasSize(1);
            assertThat(telegram.botMessages(STAFF)).singleElement().satisfies(m -> assertThat(m.text())
                    .contains("the server stopped while sending the video “clip”").contains("will not be sent again"));
            telegram.releaseHung();
            stuck.get(10, TimeUnit.SECONDS);
            drive(restarted, Duration.ofMinutes(1));
            assertThat(telegram.calls("sendVideo")).hasSize(1);
            assertThat(telegram.videos()).hasSize(1);
        } finally {
            thread.shutdownNow();
            dying.close();
        }
    }

    @Test
    void aClipWhoseFileIsGoneFailsWithoutACallAndTellsTheStaff() throws Exception {
        Path clip = clipFile("clip.mp4", 1000);
        TelegramBridge bridge = bridge(show());
        bridge.postClip(RUN, new OutboxVideo(clip, 3, 640, 360), "Encore");
        Files.delete(clip);
        drive(bridge, Duration.ofMinutes(1));

        assertThat(telegram.calls("sendVideo")).isEmpty();
        assertThat(bridge.entries()).filteredOn(e -> e.key().equals(TelegramBridge.CLIP_KEY)).singleElement()
                .satisfies(e -> {
                    assertThat(e.state()).isEqualTo(OutboxState.FAILED);
                    assertThat(e.error()).contains("clip.mp4").contains("cannot be read");
                });
        assertThat(telegram.botMessages(STAFF)).singleElement().satisfies(m -> assertThat(m.text())
                .contains("could not post the video “clip”"));
    }

    @Test
    void aGroupUpgradedToASupergroupIsFollowed() throws SQLException {
        long supergroup = -1005555555555L;
        telegram.migrateChat(GROUP, supergroup);
        TelegramBridge bridge = bridge(show());
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true), new ShowEvent.DropOpened(T0, "vinyl", null, 50),
                new ShowEvent.DropSold(T0, "vinyl", 1, 49, "A-1")));
        drive(bridge, Duration.ofMinutes(1));

        assertThat(telegram.botMessages(supergroup)).extracting(ChatMessage::text).containsExactly(
                "🎶 Rooftop Acoustic #3 is live — tap to listen", "Signed vinyl, tonight only — 49 left");
    }

    @Test
    void requestsFromTheGroupAreTakenOnceAndAnswered() throws Exception {
        desk.answer(new RequestReceipt(3, 1, 3, false));
        telegram.addTextMessage(GROUP, TOPIC, 7, "Ann", "/request Wonderwall");
        telegram.addTextMessage(GROUP, TOPIC, 8, "Bob", "/request@otherbot Yesterday");
        telegram.addTextMessage(GROUP, TOPIC, 8, "Bob", "/request@" + telegram.botUsername() + " Yesterday");
        telegram.addTextMessage(GROUP, TOPIC, 9, "Cy", "/request");
        telegram.addTextMessage(STAFF, null, 9, "Cy", "/request Not from the group");
        TelegramBridge bridge = bridge(show());
        bridge.pollUpdates(0);
        drive(bridge, Duration.ofSeconds(30));
        bridge.close();
        open.remove(bridge);
        TelegramBridge restarted = bridge(show()); // a restart re-reads nothing that was handled
        restarted.pollUpdates(0);
        drive(restarted, Duration.ofSeconds(30));

        assertThat(desk.requests()).extracting(TestDesk.Request::listenerId, TestDesk.Request::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple("tg:7", "Wonderwall"), org.assertj.core.groups.Tuple.tuple("tg:8", "Yesterday"));
        assertThat(telegram.botMessages(GROUP)).extracting(ChatMessage::text).containsExactly(
                "“Wonderwall” added, #3 in the queue", "“Yesterday” added, #3 in the queue", "Usage: /request <song title>");
        assertThat(telegram.botMessages(GROUP)).allSatisfy(m -> {
            assertThat(m.threadId()).isEqualTo(TOPIC);
            assertThat(m.replyTo()).isNotNull();
        });
        assertThat(telegram.botMessages(STAFF)).isEmpty();
    }

    @Test
    void aWrongTokenHoldsThePostsAndNeverLeaksTheToken() throws Exception {
        TelegramApi wrong = PengradTelegramApi.create(Secret.of(TOKEN + "x"), telegram.apiUrl());
        TelegramBridge bridge = bridge(show(), wrong);
        bridge.handleEvents(RUN, List.of(new ShowEvent.OnAir(T0, true)));
        drive(bridge, Duration.ofMinutes(3));
        try {
            bridge.pollUpdates(0);
        } catch (TelegramException e) {
            assertThat(e.kind()).isEqualTo(TelegramException.Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).doesNotContain(TOKEN.substring(11));
        }

        assertThat(telegram.botMessages(GROUP)).isEmpty();
        assertThat(bridge.entries()).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(OutboxState.PENDING); // waits for a good token; not lost, not failed
            assertThat(e.error()).contains("UNAUTHORIZED").doesNotContain(TOKEN.substring(11));
        });
        assertThat(logs.text()).contains("the bot token was refused");
    }
}
