package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.show.live.LiveShow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: every message documented in docs/protocol.md is a file under golden/, parsed and written back byte for
 * byte; the server's messages are also produced from a scripted show and must equal their files; and the docs must quote
 * every file as it is.
 */
class WireGoldenTest {
    private static final Path GOLDEN = golden();
    private static final Map<String, Class<? extends ServerMessage>> SERVER_TYPES = Map.of(
            "welcome", ServerMessage.Welcome.class, "state", ServerMessage.State.class, "queue", ServerMessage.Queue.class,
            "poll", ServerMessage.PollUpdate.class, "room", ServerMessage.RoomUpdate.class,
            "nowPlaying", ServerMessage.NowPlaying.class, "drops", ServerMessage.Drops.class, "ack", ServerMessage.Ack.class,
            "error", ServerMessage.Error.class);

    private static Path golden() {
        try {
            return Path.of(WireGoldenTest.class.getResource("golden").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(String side, String name) throws IOException {
        return Files.readString(GOLDEN.resolve(side).resolve(name + ".json"), StandardCharsets.UTF_8).stripTrailing();
    }

    static Stream<String> clientFiles() throws IOException {
        return names("client").stream();
    }

    static Stream<String> serverFiles() throws IOException {
        return names("server").stream();
    }

    private static List<String> names(String side) throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN.resolve(side))) {
            return files.map(p -> p.getFileName().toString().replaceFirst("\\.json$", "")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("clientFiles")
    void clientMessageParsesAndWritesBackByteForByte(String name) throws Exception {
        String json = read("client", name);

        Wire.Parsed parsed = Wire.parse(json);

        assertThat(Wire.typeName(parsed.message())).isEqualTo(name.replaceFirst("-.*", ""));
        assertThat(Wire.writeClient(parsed.message(), parsed.id())).isEqualTo(json);
    }

    @Test
    void clientMessagesParseToTheseRecords() throws Exception {
        assertThat(Wire.parse(read("client", "vote"))).isEqualTo(new Wire.Parsed(new ClientMessage.Vote(1, 2), "c3"));
        assertThat(Wire.parse(read("client", "poll.open")).message()).isEqualTo(new ClientMessage.PollOpen("Encore song?",
                List.of("Hey Jude", "Yesterday", "Let It Be"), 60));
        assertThat(Wire.parse(read("client", "hello")).message()).isEqualTo(new ClientMessage.Hello(null, null, null));
        assertThat(Wire.parse(read("client", "hello-returning")).message()).isEqualTo(new ClientMessage.Hello(
                "v1.AQAJB8P_d95oPOmAB3Jvb2Z0b3AA.DvdTzpZzRyOdQ8zQ52FdrA", Scenario.ANNA, null));
        assertThat(Wire.parse(read("client", "set.next"))).isEqualTo(new Wire.Parsed(new ClientMessage.SetNext(), "p2"));
    }

    @Test
    void everyClientTypeHasAGoldenFile() throws IOException {
        assertThat(names("client")).containsAll(Wire.TYPES);
    }

    @Test
    void serverMessagesFromTheScriptedShowEqualTheirFiles() throws Exception {
        LiveShow show = Scenario.rooftop();
        Map<String, ServerMessage> produced = new LinkedHashMap<>();
        produced.put("welcome", ServerMessage.Welcome.of("rooftop", "listener", Scenario.ANNA, "general"));
        produced.put("welcome-performer", ServerMessage.Welcome.of("rooftop", "performer", null, null));
        produced.put("state", ServerMessage.State.of(show.snapshot(Scenario.ANNA), true));
        produced.put("queue", ServerMessage.Queue.of(show.publicSnapshot()));
        produced.put("poll", ServerMessage.PollUpdate.of(show.publicSnapshot()));
        produced.put("room", ServerMessage.RoomUpdate.of(show.publicSnapshot()));
        produced.put("nowPlaying", ServerMessage.NowPlaying.of(show.publicSnapshot()));
        produced.put("drops", ServerMessage.Drops.of(show.publicSnapshot()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requestId", 1);
        result.put("votes", 1);
        produced.put("ack", ServerMessage.Ack.of("c1", "request", result));
        produced.put("ack-plain", ServerMessage.Ack.of("p1", "set.start", null));
        produced.put("error", ShowSocket.forbidden("p2", new ClientMessage.SetNext()));
        try {
            Wire.parse("{\"type\":\"vote\",\"v\":1,\"id\":\"c3\",\"pollId\":\"1\",\"option\":2}");
        } catch (ProtocolException e) {
            produced.put("error-bad-field", ServerMessage.Error.of(e.id(), e.code(), e.getMessage()));
        }
        assertThat(produced.keySet()).containsExactlyInAnyOrderElementsOf(names("server"));
        for (Map.Entry<String, ServerMessage> e : produced.entrySet()) {
            assertThat(Wire.writeString(e.getValue())).as(e.getKey()).isEqualTo(read("server", e.getKey()));
        }
    }

    @ParameterizedTest
    @MethodSource("serverFiles")
    void serverMessageReadsAndWritesBackByteForByte(String name) throws Exception {
        String json = read("server", name);
        Class<? extends ServerMessage> type = SERVER_TYPES.get(name.replaceFirst("-.*", ""));

        ServerMessage message = Wire.readServer(json, type);

        assertThat(Wire.writeString(message)).isEqualTo(json);
    }

    @Test
    void everyServerTypeHasAGoldenFile() throws IOException {
        assertThat(names("server")).containsAll(SERVER_TYPES.keySet());
    }

    @Test
    void theProtocolDocQuotesEveryGoldenFileAsItIs() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
        assertThat(doc).contains("## The show channel (WebSocket)");
        for (String side : List.of("client", "server")) {
            for (String name : names(side)) {
                assertThat(doc).as("docs/protocol.md quotes golden/%s/%s.json", side, name).contains(read(side, name));
            }
        }
    }
}
