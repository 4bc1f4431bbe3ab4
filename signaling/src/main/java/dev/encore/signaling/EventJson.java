package dev.encore.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.encore.show.live.ShowEvent;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * {@link ShowEvent}s as JSON for the event log: {@code {"e":"VoteCast","at":"2025-06-01T20:00:01Z",…}}, the record's
 * simple name then its components. The names are part of the stored format: renaming an event record needs a migration.
 * Thread-safe.
 */
final class EventJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addMixIn(ShowEvent.class, EventMixin.class)
            .addModule(new SimpleModule("instants").addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventJson() {
    }

    static String write(ShowEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.getClass().getSimpleName()
                    + " (expected: a plain record)", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a stored event */
    static ShowEvent read(String json) {
        try {
            return MAPPER.readValue(json, ShowEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored event: " + Wire.clip(e.getOriginalMessage(), 160)
                    + " (expected: an event written by EventJson)", e);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "e")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ShowEvent.ShowOpened.class, name = "ShowOpened"),
        @JsonSubTypes.Type(value = ShowEvent.SetStarted.class, name = "SetStarted"),
        @JsonSubTypes.Type(value = ShowEvent.SongStarted.class, name = "SongStarted"),
        @JsonSubTypes.Type(value = ShowEvent.SongAdded.class, name = "SongAdded"),
        @JsonSubTypes.Type(value = ShowEvent.SetEnded.class, name = "SetEnded"),
        @JsonSubTypes.Type(value = ShowEvent.RequestSubmitted.class, name = "RequestSubmitted"),
        @JsonSubTypes.Type(value = ShowEvent.RequestUpvoted.class, name = "RequestUpvoted"),
        @JsonSubTypes.Type(value = ShowEvent.RequestAccepted.class, name = "RequestAccepted"),
        @JsonSubTypes.Type(value = ShowEvent.RequestPlayed.class, name = "RequestPlayed"),
        @JsonSubTypes.Type(value = ShowEvent.RequestDismissed.class, name = "RequestDismissed"),
        @JsonSubTypes.Type(value = ShowEvent.PollOpened.class, name = "PollOpened"),
        @JsonSubTypes.Type(value = ShowEvent.VoteCast.class, name = "VoteCast"),
        @JsonSubTypes.Type(value = ShowEvent.PollClosed.class, name = "PollClosed"),
        @JsonSubTypes.Type(value = ShowEvent.ReactionBurst.class, name = "ReactionBurst"),
        @JsonSubTypes.Type(value = ShowEvent.ListenerConnected.class, name = "ListenerConnected"),
        @JsonSubTypes.Type(value = ShowEvent.ListenerDisconnected.class, name = "ListenerDisconnected"),
        @JsonSubTypes.Type(value = ShowEvent.PerformerPresence.class, name = "PerformerPresence"),
        @JsonSubTypes.Type(value = ShowEvent.OnAir.class, name = "OnAir"),
        @JsonSubTypes.Type(value = ShowEvent.DropOpened.class, name = "DropOpened"),
        @JsonSubTypes.Type(value = ShowEvent.DropSold.class, name = "DropSold"),
        @JsonSubTypes.Type(value = ShowEvent.DropClosed.class, name = "DropClosed"),
        @JsonSubTypes.Type(value = ShowEvent.DropClicked.class, name = "DropClicked"),
        @JsonSubTypes.Type(value = ShowEvent.PageOpened.class, name = "PageOpened"),
        @JsonSubTypes.Type(value = ShowEvent.AudioStarted.class, name = "AudioStarted"),
    })
    private interface EventMixin {
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(p.getText());
            } catch (DateTimeException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(), "not an ISO-8601 instant");
            }
        }
    }
}
