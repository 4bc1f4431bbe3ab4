package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.show.live.LiveShow;
import dev.encore.show.live.ShowEventListener;
import dev.encore.show.live.ShowRules;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes to every client stays small whatever the audience asks for. */
class ServerMessageTest {
    private static final Instant T0 = Instant.parse("2025-06-01T20:00:00Z");

    @Test
    void queueAndStateListTheTopRequestsAndTheQueueSize() {
        LiveShow show = LiveShow.open("rooftop", List.of("Intro"), ShowRules.defaults(), T0, ShowEventListener.NONE);
        int requests = ServerMessage.QUEUE_SHOWN + 5;
        for (int i = 0; i < requests; i++) {
            show.submitRequest("l-" + i, "Song " + i, T0.plusSeconds(1));
        }
        // The last song gets the most votes: it must rank first although it was asked for last.
        for (int i = 0; i < 3; i++) {
            show.upvote("voter-" + i, requests, T0.plusSeconds(2));
        }

        ServerMessage.Queue queue = ServerMessage.Queue.of(show.publicSnapshot());
        assertThat(queue.queueSize()).isEqualTo(requests);
        assertThat(queue.queue()).hasSize(ServerMessage.QUEUE_SHOWN);
        assertThat(queue.queue().get(0).title()).isEqualTo("Song " + (requests - 1));
        assertThat(queue.queue()).extracting(ServerMessage.QueuedRequest::rank)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, ServerMessage.QUEUE_SHOWN).boxed().toList());

        ServerMessage.State state = ServerMessage.State.of(show.snapshot("l-" + (requests - 2)), true);
        assertThat(state.queueSize()).isEqualTo(requests);
        assertThat(state.queue()).hasSize(ServerMessage.QUEUE_SHOWN);
        // A listener whose request is below the top still sees it among its own.
        assertThat(state.myRequests()).extracting(ServerMessage.MyRequest::title).containsExactly("Song " + (requests - 2));
    }
}
