package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

class NodeSchemaTest {
    /** A schema shaped like a later issue's addition: a section with a required key and a section of defaults. */
    private static final NodeSchema.MapType SCHEMA = new NodeSchema.MapType()
            .required("name", new NodeSchema.StringType(1, 10, null, "a short name"))
            .optional("telegram", new NodeSchema.MapType()
                    .required("token", new NodeSchema.SecretType("a bot token", token -> null))
                    .optional("chat", new NodeSchema.IntType(1, 1000)))
            .optional("recording", new NodeSchema.MapType()
                    .optional("enabled", new NodeSchema.BoolType(), false)
                    .optional("format", new NodeSchema.EnumType<>(AccessMode.class), AccessMode.OPEN));

    private static NodeSchema.Values walk(String yaml) throws ShowFileException {
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build();
        MappingNode root = (MappingNode) new Compose(settings).composeString(yaml).orElseThrow();
        return NodeSchema.walk("t.yaml", root, SCHEMA, Map.of("BOT", "123:abc"));
    }

    @Test
    void absentSectionOfDefaultsStillGetsThem() throws Exception {
        NodeSchema.Values values = walk("name: x\n");

        assertThat(values.<Boolean>get("recording.enabled")).isFalse();
        assertThat(values.<AccessMode>get("recording.format")).isEqualTo(AccessMode.OPEN);
        assertThat(values.has("telegram.token")).isFalse();
        assertThat(values.has("telegram.chat")).isFalse();
    }

    @Test
    void presentSectionIsTyped() throws Exception {
        NodeSchema.Values values = walk("name: x\ntelegram:\n  token: ${BOT}\n  chat: 7\nrecording: {enabled: true}\n");

        assertThat(values.<Secret>get("telegram.token").reveal()).isEqualTo("123:abc");
        assertThat(values.<Integer>get("telegram.chat")).isEqualTo(7);
        assertThat(values.<Boolean>get("recording.enabled")).isTrue();
    }

    @Test
    void errorAtAnAbsentKeyPointsAtItsSection() throws Exception {
        NodeSchema.Values values = walk("name: x\ntelegram:\n  token: abc\n");

        assertThat(values.error("telegram.chat", "is needed here", "a chat id")).hasMessage(
                "t.yaml:3: telegram.chat: is needed here (expected: a chat id)");
        assertThat(values.error("other.key", "is wrong", null)).hasMessage("t.yaml:1: other.key: is wrong");
    }

    @Test
    void sectionDescriptionListsItsKeys() {
        ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> walk("name: x\ntelegram: 5\n"));

        assertThat(e).hasMessage("t.yaml:2: telegram: is a scalar '5' (expected: a mapping with token, chat)");
    }

    @Test
    void longAndControlValuesAreShortenedAndMasked() {
        assertThat(NodeSchema.quote("a\tb")).isEqualTo("'a?b'");
        assertThat(NodeSchema.quote("x".repeat(50))).isEqualTo("'" + "x".repeat(40) + "…'");
    }

    @Test
    void editDistance() {
        assertThat(NodeSchema.editDistance("bitrat", "bitrate")).isEqualTo(1);
        assertThat(NodeSchema.editDistance("tilte", "title")).isEqualTo(2);
        assertThat(NodeSchema.editDistance("", "abc")).isEqualTo(3);
        assertThat(NodeSchema.editDistance("same", "same")).isZero();
    }
}
