package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.encore.show.AccessMode;
import dev.encore.show.live.ShowState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged means stored: the server is killed (SIGKILL) in the middle of a voting burst and restarted. */
class DurabilityTest {
    private static final int LISTENERS = 24;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedVoteAndRequestSurvivesKill9() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx128m", DurabilityServer.class.getName(),
                dataDir.toString()).redirectErrorStream(true).start();
        Map<String, Integer> ackedVotes = new LinkedHashMap<>();
        Map<String, String> ackedRequests = new LinkedHashMap<>();
        List<WsClient> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
                // the child's log lines before its port
            }
            assertThat(line).as("the child server's port").isNotNull();
            URI uri = URI.create("ws://127.0.0.1:" + line.substring(5).trim() + "/ws/rooftop");
            new Thread(() -> out.lines().forEach(l -> { }), "child-output").start();

            WsClient performer = WsClient.join(uri, ShowChannelTest.PERFORMER_HELLO);
            clients.add(performer);
            performer.send("{\"type\":\"poll.open\",\"v\":1,\"id\":\"p\",\"question\":\"Encore?\",\"options\":[\"A\",\"B\",\"C\"]}");
            assertThat(performer.answer("p").path("type").asText()).isEqualTo("ack");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < LISTENERS; i++) {
                WsClient c = WsClient.join(uri, ShowChannelTest.HELLO);
                clients.add(c);
                ids.add(c.all.get(0).path("listenerId").asText());
            }

            // The burst: every listener votes and asks for a song without waiting; the server dies after some acks.
            for (int i = 0; i < LISTENERS; i++) {
                WsClient c = clients.get(i + 1);
                c.socket().sendText("{\"type\":\"vote\",\"v\":1,\"id\":\"v\",\"pollId\":1,\"option\":" + (i % 3) + "}", true)
                        .get(5, TimeUnit.SECONDS);
                c.socket().sendText("{\"type\":\"request\",\"v\":1,\"id\":\"r\",\"title\":\"Song " + i + "\"}", true)
                        .get(5, TimeUnit.SECONDS);
            }
            JsonNode first = clients.get(1).answer("v");
            assertThat(first.path("type").asText()).isEqualTo("ack");
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            for (int i = 0; i < LISTENERS; i++) {
                for (JsonNode m : clients.get(i + 1).all) {
                    if ("ack".equals(m.path("type").asText()) && "v".equals(m.path("id").asText())) {
                        ackedVotes.put(ids.get(i), i % 3);
                    }
                    if ("ack".equals(m.path("type").asText()) && "r".equals(m.path("id").asText())) {
                        ackedRequests.put(ids.get(i), "Song " + i);
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            for (WsClient c : clients) {
                c.socket().abort();
            }
        }
        assertThat(ackedVotes).isNotEmpty();

        try (ShowChannel restarted = ShowChannel.start(List.of(ShowChannelTest.show("rooftop", AccessMode.OPEN)), null,
                dataDir, Clock.systemUTC(), ShowChannelTest.settings(Duration.ofMillis(250)))) {
            ShowLoop loop = restarted.loop("rooftop");
            for (Map.Entry<String, Integer> vote : ackedVotes.entrySet()) {
                ShowState state = loop.query(show -> show.snapshot(vote.getKey())).get(5, TimeUnit.SECONDS);
                assertThat(state.openPoll()).isNotNull();
                assertThat(state.openPoll().myVote()).as("the acknowledged vote of %s", vote.getKey())
                        .isEqualTo(vote.getValue());
            }
            for (Map.Entry<String, String> request : ackedRequests.entrySet()) {
                ShowState state = loop.query(show -> show.snapshot(request.getKey())).get(5, TimeUnit.SECONDS);
                assertThat(state.myRequests()).extracting(ShowState.MyRequest::title).contains(request.getValue());
            }
            ShowState room = loop.query(show -> show.publicSnapshot()).get(5, TimeUnit.SECONDS);
            assertThat(room.room().listeners()).as("nobody is connected after a restart").isZero();
            assertThat(room.room().performerOnline()).isFalse();
            assertThat(room.openPoll().totalVotes()).isGreaterThanOrEqualTo(ackedVotes.size());
        }
    }
}
