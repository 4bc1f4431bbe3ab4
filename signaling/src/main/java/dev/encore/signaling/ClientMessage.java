package dev.encore.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What a client sends on the show channel, one JSON object per text frame: {@code {"type":"…","v":1,"id":"…",…}}. The
 * {@code v} (protocol version) and the optional {@code id} (echoed in the {@code ack} or {@code error} that answers it) are
 * handled by {@link Wire}; the records hold the rest. Components marked required must be present; the others may be
 * absent or null. Immutable.
 *
 * <p>See docs/protocol.md, "The show channel (WebSocket)", for every message with an example.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ClientMessage.Request.class, name = "request"),
    @JsonSubTypes.Type(value = ClientMessage.Upvote.class, name = "upvote"),
    @JsonSubTypes.Type(value = ClientMessage.Vote.class, name = "vote"),
    @JsonSubTypes.Type(value = ClientMessage.React.class, name = "react"),
    @JsonSubTypes.Type(value = ClientMessage.SetStart.class, name = "set.start"),
    @JsonSubTypes.Type(value = ClientMessage.SetNext.class, name = "set.next"),
    @JsonSubTypes.Type(value = ClientMessage.SetPrev.class, name = "set.prev"),
    @JsonSubTypes.Type(value = ClientMessage.SetJump.class, name = "set.jump"),
    @JsonSubTypes.Type(value = ClientMessage.SetAdd.class, name = "set.add"),
    @JsonSubTypes.Type(value = ClientMessage.SetEnd.class, name = "set.end"),
    @JsonSubTypes.Type(value = ClientMessage.RequestAccept.class, name = "request.accept"),
    @JsonSubTypes.Type(value = ClientMessage.RequestPlayed.class, name = "request.played"),
    @JsonSubTypes.Type(value = ClientMessage.RequestDismiss.class, name = "request.dismiss"),
    @JsonSubTypes.Type(value = ClientMessage.PollOpen.class, name = "poll.open"),
    @JsonSubTypes.Type(value = ClientMessage.PollClose.class, name = "poll.close"),
})
sealed interface ClientMessage {

    /** True for the messages only the performer may send. */
    default boolean performerOnly() {
        return false;
    }

    /** The first message of every connection. All optional: an open show's new listener sends {@code {"type":"hello","v":1}}. */
    record Hello(String token, String listenerId, String performerKey) implements ClientMessage {
        @Override
        public String toString() {
            // Credentials never print.
            return "Hello[token=" + (token == null ? "none" : "****") + ", listenerId=" + listenerId + ", performerKey="
                    + (performerKey == null ? "none" : "****") + "]";
        }
    }

    /** Ask for a song (or upvote it, if it is in the queue already). */
    record Request(@JsonProperty(required = true) String title) implements ClientMessage {
    }

    record Upvote(@JsonProperty(required = true) int requestId) implements ClientMessage {
    }

    /** Vote for option {@code option} (from 0) of poll {@code pollId}, or change one's vote. */
    record Vote(@JsonProperty(required = true) int pollId, @JsonProperty(required = true) int option) implements ClientMessage {
    }

    /** A reaction: {@code applause}, {@code heart}, {@code fire}, {@code laugh}, {@code wow} or the emoji. */
    record React(@JsonProperty(required = true) String reaction) implements ClientMessage {
    }

    /** Performer commands from here on. */
    sealed interface PerformerCommand extends ClientMessage {
        @Override
        default boolean performerOnly() {
            return true;
        }
    }

    record SetStart() implements PerformerCommand {
    }

    record SetNext() implements PerformerCommand {
    }

    record SetPrev() implements PerformerCommand {
    }

    /** Start the song at {@code index} (from 0) of the set list. */
    record SetJump(@JsonProperty(required = true) int index) implements PerformerCommand {
    }

    /** Add a song of the performer's choosing to the end of the set list. */
    record SetAdd(@JsonProperty(required = true) String title) implements PerformerCommand {
    }

    record SetEnd() implements PerformerCommand {
    }

    record RequestAccept(@JsonProperty(required = true) int requestId) implements PerformerCommand {
    }

    record RequestPlayed(@JsonProperty(required = true) int requestId) implements PerformerCommand {
    }

    record RequestDismiss(@JsonProperty(required = true) int requestId) implements PerformerCommand {
    }

    /** Open a poll; {@code timeLimitSeconds} absent or null for none, else 5..3600. */
    record PollOpen(@JsonProperty(required = true) String question, @JsonProperty(required = true) List<String> options,
            Integer timeLimitSeconds) implements PerformerCommand {
    }

    record PollClose() implements PerformerCommand {
    }
}
