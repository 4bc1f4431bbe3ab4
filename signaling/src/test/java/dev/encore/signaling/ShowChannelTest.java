package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.show.AccessMode;
import dev.encore.show.PlannedSong;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.TokenAuthority;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel end to end: a real Netty server on 127.0.0.1:0 with the channel mounted, real JDK WebSocket clients. */
class ShowChannelTest {
    static final String KEY = "correct-horse-battery-staple";
    static final String PERFORMER_HELLO = "{\"type\":\"hello\",\"v\":1,\"performerKey\":\"" + KEY + "\"}";
    static final String HELLO = "{\"type\":\"hello\",\"v\":1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private ShowChannel channel;
    private TestHttpServer server;
    private TokenAuthority tokens;

    static ShowConfig show(String id, AccessMode access) {
        return new ShowConfig(null, id, "Rooftop", Secret.of(KEY), access, null, null);
    }

    /** Fast ticks; one address may send a lot (all test clients are 127.0.0.1), connections keep the default limits. */
    static ShowLoop.Settings settings(Duration tick) {
        RateLimits d = RateLimits.defaults();
        return new ShowLoop.Settings(tick, Duration.ofMillis(100), Duration.ofSeconds(20), Duration.ofSeconds(60),
                new RateLimits(d.perConnection(), new RateLimits.Limit(100_000, 100_000), d.abuse(), System::nanoTime,
                        new ConcurrentHashMap<>()));
    }

    private void start(Duration tick) throws Exception {
        tokens = new TokenAuthority(ServerSecret.ofValue("0123456789abcdef0123456789abcdef0123456789"));
        channel = ShowChannel.start(List.of(show("rooftop", AccessMode.OPEN), show("vip-night", AccessMode.TOKEN)), tokens,
                dataDir, Clock.systemUTC(), settings(tick));
        server = new TestHttpServer(channel);
    }

    private WsClient join(String hello) throws Exception {
        return join("/ws/rooftop", hello);
    }

    private WsClient join(String path, String hello) throws Exception {
        WsClient c = WsClient.join(server.ws(path), hello);
        open.add(c);
        return c;
    }

    private WsClient connect(String path) throws Exception {
        WsClient c = WsClient.connect(server.ws(path));
        open.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        if (channel != null) {
            channel.close();
        }
    }

    @Test
    void aBroadcastTickThatIsNotPositiveIsRefusedBeforeAnythingStarts() {
        for (Duration tick : List.of(Duration.ZERO, Duration.ofMillis(-150))) {
            assertThatThrownBy(() -> ShowChannel.start(List.of(show("rooftop", AccessMode.OPEN)), null, dataDir,
                    Clock.systemUTC(), tick)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("broadcast tick: " + tick + " (expected: > 0)");
        }
        assertThat(dataDir.resolve(ShowChannel.DATABASE_FILE)).doesNotExist();
    }

    @Test
    void aJoiningListenerGetsWelcomeThenState() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = connect("/ws/rooftop");

        anna.send("{\"type\":\"hello\",\"v\":1,\"id\":\"h1\"}");

        JsonNode welcome = anna.next();
        assertThat(welcome.path("type").asText()).isEqualTo("welcome");
        assertThat(welcome.path("role").asText()).isEqualTo("listener");
        assertThat(welcome.path("tier").asText()).isEqualTo("general");
        assertThat(welcome.path("listenerId").asText()).matches("l-[A-Za-z0-9_-]{22}");
        JsonNode state = anna.next();
        assertThat(state.path("type").asText()).isEqualTo("state");
        assertThat(state.path("show").asText()).isEqualTo("rooftop");
        assertThat(state.path("phase").asText()).isEqualTo("not_started");
        assertThat(state.path("room").path("listeners").asInt()).isEqualTo(1);
    }

    @Test
    void aRequestReachesTheOtherListenersQueueAndThePerformer() throws Exception {
        start(Duration.ofMillis(50));
        WsClient performer = join(PERFORMER_HELLO);
        WsClient anna = join(HELLO);
        WsClient ben = join(HELLO);

        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"c1\",\"title\":\"Wonderwall\"}");

        JsonNode ack = anna.answer("c1");
        assertThat(ack.path("type").asText()).isEqualTo("ack");
        assertThat(ack.path("of").asText()).isEqualTo("request");
        int requestId = ack.path("result").path("requestId").asInt();
        assertThat(requestId).isPositive();
        for (WsClient other : List.of(ben, performer)) {
            JsonNode queue = other.next("queue");
            assertThat(queue.path("queue").get(0).path("title").asText()).isEqualTo("Wonderwall");
            assertThat(queue.path("queue").get(0).path("requestId").asInt()).isEqualTo(requestId);
            assertThat(queue.path("queue").get(0).has("mine")).isFalse();
        }

        ben.send("{\"type\":\"upvote\",\"v\":1,\"id\":\"c2\",\"requestId\":" + requestId + "}");
        assertThat(ben.answer("c2").path("result").path("votes").asInt()).isEqualTo(2);

        performer.send("{\"type\":\"request.accept\",\"v\":1,\"id\":\"p1\",\"requestId\":" + requestId + "}");
        assertThat(performer.answer("p1").path("result").path("index").asInt()).isZero();
        JsonNode set = anna.next("nowPlaying");
        assertThat(set.path("setList").get(0).path("title").asText()).isEqualTo("Wonderwall");
        assertThat(set.path("setList").get(0).path("requestId").asInt()).isEqualTo(requestId);
    }

    @Test
    void votesAreTalliedAndBroadcastOncePerTickNotOncePerVote() throws Exception {
        start(Duration.ZERO); // ticks by hand
        ShowLoop loop = channel.loop("rooftop");
        WsClient performer = join(PERFORMER_HELLO);
        WsClient observer = join(HELLO);
        List<WsClient> voters = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            voters.add(join(HELLO));
        }
        performer.send("{\"type\":\"poll.open\",\"v\":1,\"id\":\"p1\",\"question\":\"Encore?\","
                + "\"options\":[\"Hey Jude\",\"Yesterday\"]}");
        int pollId = performer.answer("p1").path("result").path("pollId").asInt();
        loop.tickNow().get(5, TimeUnit.SECONDS);
        assertThat(observer.next("poll").path("poll").path("totalVotes").asInt()).isZero();

        for (int i = 0; i < voters.size(); i++) {
            voters.get(i).send("{\"type\":\"vote\",\"v\":1,\"id\":\"v" + i + "\",\"pollId\":" + pollId + ",\"option\":"
                    + (i % 3 == 0 ? 1 : 0) + "}");
        }
        for (int i = 0; i < voters.size(); i++) {
            assertThat(voters.get(i).answer("v" + i).path("type").asText()).isEqualTo("ack");
        }
        loop.tickNow().get(5, TimeUnit.SECONDS);
        JsonNode poll = observer.next("poll").path("poll");
        loop.tickNow().get(5, TimeUnit.SECONDS);
        observer.send("{\"type\":\"react\",\"v\":1,\"id\":\"marker\",\"reaction\":\"heart\"}");
        observer.answer("marker"); // anything the last tick sent arrived before this

        assertThat(poll.path("totalVotes").asInt()).isEqualTo(12);
        assertThat(poll.path("tally").toString()).isEqualTo("[8,4]");
        assertThat(poll.has("myVote")).isFalse();
        assertThat(observer.count("poll")).as("poll broadcasts: one for the opening, one for twelve votes").isEqualTo(2);
    }

    @Test
    void aVotesAckCarriesTheTallyWithThatVoteInIt() throws Exception {
        start(Duration.ZERO); // no tick: the ack is the only tally the voters get
        WsClient performer = join(PERFORMER_HELLO);
        WsClient anna = join(HELLO);
        WsClient ben = join(HELLO);
        performer.send("{\"type\":\"poll.open\",\"v\":1,\"id\":\"p1\",\"question\":\"Encore?\","
                + "\"options\":[\"Hey Jude\",\"Yesterday\",\"Let It Be\"]}");
        int pollId = performer.answer("p1").path("result").path("pollId").asInt();

        anna.send("{\"type\":\"vote\",\"v\":1,\"id\":\"a\",\"pollId\":" + pollId + ",\"option\":2}");
        JsonNode first = anna.answer("a").path("result");
        ben.send("{\"type\":\"vote\",\"v\":1,\"id\":\"b\",\"pollId\":" + pollId + ",\"option\":0}");
        JsonNode second = ben.answer("b").path("result");
        anna.send("{\"type\":\"vote\",\"v\":1,\"id\":\"c\",\"pollId\":" + pollId + ",\"option\":0}");
        JsonNode changed = anna.answer("c").path("result");

        assertThat(first.path("tally").toString()).isEqualTo("[0,0,1]");
        assertThat(first.path("totalVotes").asInt()).isEqualTo(1);
        assertThat(second.path("tally").toString()).isEqualTo("[1,0,1]");
        assertThat(second.path("totalVotes").asInt()).isEqualTo(2);
        assertThat(changed.path("tally").toString()).as("a changed vote moves, it is not counted twice").isEqualTo("[2,0,0]");
        assertThat(changed.path("totalVotes").asInt()).isEqualTo(2);
        assertThat(changed.path("option").asInt()).isZero();
    }

    @Test
    void aLateJoinerSeesTheOpenPollAndTheirOwnVote() throws Exception {
        start(Duration.ofMillis(50));
        WsClient performer = join(PERFORMER_HELLO);
        WsClient anna = join(HELLO);
        String annaId = anna.all.get(0).path("listenerId").asText();
        performer.send("{\"type\":\"poll.open\",\"v\":1,\"id\":\"p1\",\"question\":\"Encore?\","
                + "\"options\":[\"Hey Jude\",\"Yesterday\"],\"timeLimitSeconds\":600}");
        performer.answer("p1");
        anna.send("{\"type\":\"vote\",\"v\":1,\"id\":\"v1\",\"pollId\":1,\"option\":1}");
        anna.answer("v1");

        WsClient late = join(HELLO);
        JsonNode poll = late.all.get(1).path("poll");
        assertThat(poll.path("question").asText()).isEqualTo("Encore?");
        assertThat(poll.path("tally").toString()).isEqualTo("[0,1]");
        assertThat(poll.path("myVote").asInt()).isEqualTo(-1);
        assertThat(poll.path("closesAt").asText()).isNotEmpty();

        anna.close();
        WsClient annaAgain = join("{\"type\":\"hello\",\"v\":1,\"listenerId\":\"" + annaId + "\"}");
        assertThat(annaAgain.all.get(0).path("listenerId").asText()).isEqualTo(annaId);
        assertThat(annaAgain.all.get(1).path("poll").path("myVote").asInt()).isEqualTo(1);
    }

    @Test
    void aReconnectingListenerResumesWithTheirRequests() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);
        String annaId = anna.all.get(0).path("listenerId").asText();
        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"c1\",\"title\":\"Wonderwall\"}");
        anna.answer("c1");
        anna.close();

        WsClient again = join("{\"type\":\"hello\",\"v\":1,\"listenerId\":\"" + annaId + "\"}");

        JsonNode state = again.all.get(1);
        assertThat(state.path("myRequests").get(0).path("title").asText()).isEqualTo("Wonderwall");
        assertThat(state.path("queue").get(0).path("mine").asBoolean()).isTrue();
        again.send("{\"type\":\"request\",\"v\":1,\"id\":\"c2\",\"title\":\"Hallelujah\"}");
        assertThat(again.answer("c2").path("code").asText()).as("the 30 s request interval follows the listener")
                .isEqualTo("rate_limited");
    }

    @Test
    void aListenerSendingPerformerMessagesIsForbiddenAndStays() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);

        for (String type : List.of("set.start", "set.next", "set.end", "poll.close")) {
            anna.send("{\"type\":\"" + type + "\",\"v\":1,\"id\":\"x\"}");
            JsonNode error = anna.answer("x");
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("forbidden");
        }
        anna.send("{\"type\":\"request.accept\",\"v\":1,\"id\":\"y\",\"requestId\":1}");
        assertThat(anna.answer("y").path("code").asText()).isEqualTo("forbidden");
        assertThat(channel.dispatch("rooftop", Role.ofListener("l-whoever"), "{\"type\":\"set.start\",\"v\":1}")
                .get(5, TimeUnit.SECONDS)).contains("\"code\":\"forbidden\"");

        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"ok\",\"title\":\"Wonderwall\"}");
        assertThat(anna.answer("ok").path("type").asText()).isEqualTo("ack");
        assertThat(anna.closed).isNotDone();
    }

    @Test
    void badMessagesGetErrorsTheConnectionSurvivesAndOthersNoticeNothing() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);
        WsClient ben = join(HELLO);

        anna.send("{\"type\":\"vote\",");
        assertThat(anna.next("error").path("code").asText()).isEqualTo("malformed_json");
        anna.send("{\"type\":\"dance\",\"v\":1,\"id\":\"d\"}");
        assertThat(anna.answer("d").path("code").asText()).isEqualTo("unknown_type");
        anna.send("{\"type\":\"vote\",\"v\":1,\"id\":\"w\",\"pollId\":\"1\",\"option\":0}");
        assertThat(anna.answer("w").path("reason").asText()).isEqualTo(
                "vote: field 'pollId' has the wrong type (expected: an integer)");
        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"t\",\"title\":\"\\u202Eevil\"}");
        assertThat(anna.answer("t").path("code").asText()).isEqualTo("title_invalid");
        anna.send("{\"type\":\"request\",\"v\":1,\"title\":\"" + "a".repeat(5 * 1024) + "\"}");
        assertThat(anna.next("error").path("code").asText()).isEqualTo("too_large");
        anna.send("{\"type\":\"hello\",\"v\":1,\"id\":\"h2\"}");
        assertThat(anna.answer("h2").path("code").asText()).isEqualTo("already_joined");

        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"ok\",\"title\":\"<b>Wonderwall</b>\"}");
        assertThat(anna.answer("ok").path("type").asText()).isEqualTo("ack");
        assertThat(ben.next("queue").path("queue").get(0).path("title").asText())
                .as("titles travel as text, never as HTML").isEqualTo("<b>Wonderwall</b>");
        assertThat(anna.closed).isNotDone();
        assertThat(ben.count("error")).isZero();
    }

    @Test
    void aFrameOver16KiBClosesWith1009AndOthersStay() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);
        WsClient ben = join(HELLO);

        anna.socket().sendText("{\"type\":\"request\",\"v\":1,\"title\":\"" + "a".repeat(20 * 1024) + "\"}", true);

        assertThat(anna.closeStatus()).isEqualTo(1009);
        ben.send("{\"type\":\"request\",\"v\":1,\"id\":\"ok\",\"title\":\"Wonderwall\"}");
        assertThat(ben.answer("ok").path("type").asText()).isEqualTo("ack");
    }

    @Test
    void aFloodIsRateLimitedThenASustainedOneIsDisconnected() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);
        WsClient ben = join(HELLO);

        for (int i = 0; i < 60; i++) {
            anna.send("{\"type\":\"react\",\"v\":1,\"reaction\":\"fire\"}");
        }
        JsonNode limited = anna.next("error");
        assertThat(limited.path("code").asText()).isEqualTo("rate_limited");
        assertThat(anna.count("error")).as("one rate_limited error a second, not one per message").isEqualTo(1);
        Thread.sleep(1_200);
        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"after\",\"title\":\"Wonderwall\"}");
        assertThat(anna.answer("after").path("type").asText()).isEqualTo("ack");

        Throwable flood = catchThrowable(() -> {
            for (int i = 0; i < 400; i++) {
                anna.send("{\"type\":\"react\",\"v\":1,\"reaction\":\"fire\"}");
            }
        });
        assertThat(anna.closeStatus()).isEqualTo(1008);
        assertThat(flood == null || flood instanceof ExecutionException).isTrue();
        ben.send("{\"type\":\"upvote\",\"v\":1,\"id\":\"b\",\"requestId\":1}");
        assertThat(ben.answer("b").path("type").asText()).isEqualTo("ack");
        assertThat(ben.count("error")).isZero();
    }

    @Test
    void aFloodersConnectionEndsWithTheClosingHandshakeNotAReset() throws Exception {
        start(Duration.ofMillis(50));
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout(5_000);
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            ByteArrayOutputStream seen = upgrade(raw, "/ws/rooftop");
            out.write(maskedFrame(0x1, HELLO.getBytes(StandardCharsets.UTF_8)));
            byte[] react = maskedFrame(0x1, "{\"type\":\"react\",\"v\":1,\"reaction\":\"fire\"}".getBytes(StandardCharsets.UTF_8));
            byte[] twenty = new byte[20 * react.length];
            for (int i = 0; i < 20; i++) {
                System.arraycopy(react, 0, twenty, i * react.length, react.length);
            }
            AtomicBoolean closeSeen = new AtomicBoolean();
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                int afterClose = 0;
                try {
                    while (!closeSeen.get()) { // 20 messages a millisecond: far past the limits, not past the server
                        out.write(twenty);
                        Thread.sleep(1);
                    }
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250); // well inside the server's wait
                    for (; System.nanoTime() < until; afterClose++) { // a busy client sends on before it acts on a Close
                        out.write(twenty);
                        Thread.sleep(1);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("sending, " + afterClose + " writes after the Close was read", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            byte[] closeFrame = {(byte) 0x88, 12, 0x03, (byte) 0xF0, 'r', 'a', 't', 'e', ' ', 'l', 'i', 'm', 'i', 't'};
            byte[] buffer = new byte[8192];
            int n;
            while (indexOf(seen.toByteArray(), closeFrame) < 0 && (n = in.read(buffer)) >= 0) {
                seen.write(buffer, 0, n);
            }
            int closeAt = indexOf(seen.toByteArray(), closeFrame);
            assertThat(closeAt).as("a Close frame with 1008 'rate limit' (seen: %s)", seen.toString(StandardCharsets.ISO_8859_1))
                    .isPositive();
            closeSeen.set(true);
            assertThat(catchThrowable(flood::join)).as("the server reads on until the client's Close, no reset").isNull();

            out.write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8})); // the client's Close: 1000
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            in.transferTo(after); // returns at the end of the stream: the server closed
            byte[] all = seen.toByteArray();
            assertThat(all.length - closeAt - closeFrame.length + after.size())
                    .as("no frame after the server's Close (RFC 6455 §5.5.1)").isZero();
        }
    }

    /** Upgrades a raw socket to a WebSocket; returns the bytes read, the 101 answer, before any frame (RFC 6455 §4.1). */
    private static ByteArrayOutputStream upgrade(Socket raw, String path) throws IOException {
        raw.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = raw.getInputStream().read();
            assertThat(b).as("the upgrade answer (got: %s)", seen.toString(StandardCharsets.ISO_8859_1)).isNotNegative();
            seen.write(b);
        }
        assertThat(seen.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
        return seen;
    }

    @Test
    void theClientsCloseAnsweringTheServersEndsTheConnectionAtOnce() throws Exception {
        start(Duration.ofMillis(50));
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout(5_000);
            InputStream in = raw.getInputStream();
            upgrade(raw, "/ws/vip-night");
            raw.getOutputStream().write(maskedFrame(0x1, HELLO.getBytes(StandardCharsets.UTF_8))); // no token
            byte[] closeFrame = {(byte) 0x88, 14, 0x03, (byte) 0xF0, 'u', 'n', 'a', 'u', 't', 'h', 'o', 'r', 'i', 'z', 'e', 'd'};
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (indexOf(seen.toByteArray(), closeFrame) < 0) {
                int b = in.read();
                assertThat(b).as("a Close frame with 1008 'unauthorized' (seen: %s)", seen).isNotNegative();
                seen.write(b);
            }

            long answered = System.nanoTime();
            raw.getOutputStream().write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8}));
            assertThat(in.read()).as("the end of the stream, no frame after the server's Close").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered))
                    .as("closed on the client's answer, not by the %d ms timer", ShowSocket.CLOSE_WAIT_MILLIS)
                    .isLessThan(ShowSocket.CLOSE_WAIT_MILLIS / 2);
        }
    }

    /** A client's frame (RFC 6455 §5.2), masked with the zero key so the payload reads as sent. */
    private static byte[] maskedFrame(int opcode, byte[] payload) {
        assertThat(payload.length).isLessThan(126);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(payload, 0, frame, 6, payload.length);
        return frame;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void messagesBeforeHelloAreRefused() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = connect("/ws/rooftop");

        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"c1\",\"title\":\"Wonderwall\"}");

        assertThat(anna.answer("c1").path("code").asText()).isEqualTo("hello_first");
        anna.send(HELLO);
        assertThat(anna.next().path("type").asText()).isEqualTo("welcome");
    }

    @Test
    void aTokenShowAdmitsTokensOnlyAndTheSubjectIsTheListener() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anonymous = connect("/ws/vip-night");
        anonymous.send(HELLO);
        assertThat(anonymous.next().path("code").asText()).isEqualTo("unauthorized");
        assertThat(anonymous.closeStatus()).isEqualTo(1008);

        WsClient forged = connect("/ws/vip-night?t=v1.AQAJB8P_d95oPOmAB3Jvb2Z0b3AA.DvdTzpZzRyOdQ8zQ52FdrA");
        forged.send(HELLO);
        JsonNode refused = forged.next();
        assertThat(refused.path("code").asText()).isEqualTo("unauthorized");
        assertThat(refused.path("reason").asText()).doesNotContain("DvdTzpZzRyOdQ8zQ52FdrA");

        String token = tokens.mint("vip-night", dev.encore.show.access.Tier.VIP, Duration.ofHours(1), "tg:42",
                Clock.systemUTC()).encoded();
        WsClient vip = join("/ws/vip-night?t=" + token, HELLO);
        assertThat(vip.all.get(0).path("listenerId").asText()).isEqualTo("tg:42");
        assertThat(vip.all.get(0).path("tier").asText()).isEqualTo("vip");
        assertThat(vip.all.get(1).path("room").path("vip").asInt()).isEqualTo(1);

        WsClient inHello = join("/ws/vip-night", "{\"type\":\"hello\",\"v\":1,\"token\":\"" + token + "\"}");
        assertThat(inHello.all.get(0).path("listenerId").asText()).isEqualTo("tg:42");
    }

    @Test
    void aWrongPerformerKeyIsRefused() throws Exception {
        start(Duration.ofMillis(50));
        WsClient impostor = connect("/ws/rooftop");

        impostor.send("{\"type\":\"hello\",\"v\":1,\"performerKey\":\"guess\"}");

        JsonNode error = impostor.next();
        assertThat(error.path("code").asText()).isEqualTo("unauthorized");
        assertThat(error.toString()).doesNotContain("guess").doesNotContain(KEY);
        assertThat(impostor.closeStatus()).isEqualTo(1008);
    }

    @Test
    void anUnknownShowIs404() throws Exception {
        start(Duration.ofMillis(50));

        Throwable refused = catchThrowable(() -> WsClient.connect(server.ws("/ws/nope")));

        Throwable handshake = refused;
        while (handshake != null && !(handshake instanceof WebSocketHandshakeException)) {
            handshake = handshake.getCause();
        }
        assertThat(handshake).as("a refused handshake in %s", refused).isNotNull();
        assertThat(((WebSocketHandshakeException) handshake).getResponse().statusCode()).isEqualTo(404);
    }

    @Test
    void dispatchRunsPerformerCommandsForTheHttpApiAndTheSocketsSeeThem() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);

        String started = channel.dispatch("rooftop", Role.ofPerformer(), "{\"type\":\"set.add\",\"v\":1,\"id\":\"h\","
                + "\"title\":\"Blackbird\"}").get(5, TimeUnit.SECONDS);
        String next = channel.dispatch("rooftop", Role.ofPerformer(), "{\"type\":\"set.start\",\"v\":1}")
                .get(5, TimeUnit.SECONDS);

        assertThat(started).isEqualTo("{\"type\":\"ack\",\"v\":1,\"id\":\"h\",\"of\":\"set.add\",\"result\":{\"index\":0}}");
        assertThat(next).isEqualTo("{\"type\":\"ack\",\"v\":1,\"of\":\"set.start\"}");
        JsonNode playing = anna.next("nowPlaying");
        while (!"playing".equals(playing.path("phase").asText())) {
            playing = anna.next("nowPlaying");
        }
        assertThat(playing.path("song").path("title").asText()).isEqualTo("Blackbird");
        assertThat(JSON.readTree(channel.dispatch("nope", Role.ofPerformer(), "{}").get(5, TimeUnit.SECONDS))
                .path("code").asText()).isEqualTo("no_such_show");
        assertThat(JSON.readTree(channel.dispatch("rooftop", Role.ofPerformer(), "{\"type\":\"set.next\",\"v\":1,"
                + "\"id\":\"n\"}").get(5, TimeUnit.SECONDS)).path("code").asText()).isEqualTo("end_of_set");
    }

    @Test
    void theShowFilesSetListIsTheRunsPlannedSongs() throws Exception {
        ShowConfig planned = show("rooftop", AccessMode.OPEN).withSetList(List.of(new PlannedSong("Opening"),
                new PlannedSong("Harbour Lights"), new PlannedSong("<b>x</b>")));
        channel = ShowChannel.start(List.of(planned), null, dataDir, Clock.systemUTC(), settings(Duration.ofMillis(50)));
        server = new TestHttpServer(channel);
        WsClient anna = connect("/ws/rooftop");
        anna.send(HELLO);
        anna.next("welcome");

        JsonNode state = anna.next("state");
        assertThat(state.path("setList").findValuesAsText("title")).containsExactly("Opening", "Harbour Lights", "<b>x</b>");
        assertThat(state.path("phase").asText()).isEqualTo("not_started");
        channel.dispatch("rooftop", Role.ofPerformer(), "{\"type\":\"set.start\",\"v\":1}").get(5, TimeUnit.SECONDS);
        JsonNode playing = anna.next("nowPlaying");
        assertThat(playing.path("song").path("title").asText()).isEqualTo("Opening");
        assertThat(playing.path("song").path("index").asInt()).isZero();
    }

    @Test
    void thePerformerComingAndGoingShowsInTheRoom() throws Exception {
        start(Duration.ofMillis(50));
        WsClient anna = join(HELLO);
        assertThat(anna.all.get(1).path("room").path("performerOnline").asBoolean()).isFalse();

        WsClient performer = join(PERFORMER_HELLO);
        JsonNode room = anna.next("room");
        while (!room.path("room").path("performerOnline").asBoolean()) {
            room = anna.next("room");
        }
        performer.close();
        room = anna.next("room");
        while (room.path("room").path("performerOnline").asBoolean()) {
            room = anna.next("room");
        }
        assertThat(room.path("room").path("listeners").asInt()).isEqualTo(1);
    }

    @Test
    void aClientThatCannotTakeMoreSkipsUpdatesThenGetsTheLatestState() throws Exception {
        start(Duration.ofMillis(50));
        ShowLoop loop = channel.loop("rooftop");
        WsClient slow = join(HELLO);
        WsClient anna = join(HELLO);
        String slowId = slow.all.get(0).path("listenerId").asText();
        java.util.concurrent.CompletableFuture<ShowSocket> found = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> found.complete(loop.clients().stream()
                .filter(c -> slowId.equals(c.role().listenerId())).findFirst().orElseThrow()));
        ShowSocket slowSocket = found.get(5, TimeUnit.SECONDS);
        io.netty.channel.Channel ch = slowSocket.channel();
        ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false)).get(5, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            anna.send("{\"type\":\"react\",\"v\":1,\"reaction\":\"fire\"}");
        }
        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"c1\",\"title\":\"Wonderwall\"}");
        anna.answer("c1");
        anna.next("queue");
        loop.tickNow().get(5, TimeUnit.SECONDS);
        assertThat(slow.count("queue")).as("no updates while not writable").isZero();

        ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true)).get(5, TimeUnit.SECONDS);

        JsonNode state = slow.next("state");
        assertThat(state.path("queue").get(0).path("title").asText()).isEqualTo("Wonderwall");
        assertThat(slow.count("queue")).isZero();
        anna.send("{\"type\":\"request\",\"v\":1,\"id\":\"c2\",\"title\":\"Hallelujah\"}");
        assertThat(anna.answer("c2").path("code").asText()).isEqualTo("rate_limited");
        slow.send("{\"type\":\"upvote\",\"v\":1,\"id\":\"u\",\"requestId\":1}");
        slow.answer("u");
        assertThat(slow.next("queue").path("queue").get(0).path("votes").asInt()).as("updates flow again").isEqualTo(2);
    }

    @Test
    void silentClientsArePingedAndOnesThatNeverAnswerAreClosed() throws Exception {
        RateLimits d = RateLimits.defaults();
        channel = ShowChannel.start(List.of(show("rooftop", AccessMode.OPEN)), null, dataDir, Clock.systemUTC(),
                new ShowLoop.Settings(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(150),
                        Duration.ofMillis(450), d));
        server = new TestHttpServer(channel);
        WsClient answersPings = join(HELLO); // the JDK client answers pings with pongs by itself

        try (java.net.Socket mute = new java.net.Socket("127.0.0.1", server.port())) {
            mute.setSoTimeout(5_000);
            mute.getOutputStream().write(("GET /ws/rooftop HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = mute.getInputStream();
            byte[] buffer = new byte[4096];
            StringBuilder seen = new StringBuilder();
            int n;
            while ((n = in.read(buffer)) >= 0) { // pings, then a close frame, then the end of the stream
                seen.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 101");
            assertThat(seen.indexOf("\u0089")).as("a ping frame").isPositive();
            assertThat(seen.indexOf("\u0088")).as("a close frame").isGreaterThan(seen.indexOf("\u0089"));
        }

        assertThat(answersPings.closed).isNotDone();
        answersPings.send("{\"type\":\"react\",\"v\":1,\"id\":\"r\",\"reaction\":\"wow\"}");
        assertThat(answersPings.answer("r").path("type").asText()).isEqualTo("ack");
    }
}
