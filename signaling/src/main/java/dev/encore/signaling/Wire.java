package dev.encore.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The show channel's JSON codec: strict parsing of {@link ClientMessage}s and writing of {@link ServerMessage}s. Sans-I/O.
 *
 * <p>Strict means: a JSON object with a known {@code type}, {@code "v":1}, an optional string {@code id} of 1..64
 * characters, exactly the fields of that type with their JSON types (no string for a number, no 1.0 for 1, no number for
 * a string), no unknown or duplicate fields. Anything else is a {@link ProtocolException} with a code and a reason.
 *
 * <p>Thread-safe (Jackson's mapper is, once configured).
 */
final class Wire {
    /** The largest text message the server reads, in UTF-8 bytes. */
    static final int MAX_MESSAGE_BYTES = 4096;
    static final int MAX_ID_CHARS = 64;

    private static final ObjectMapper MAPPER = mapper();
    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();
    /** Every client message type, in the documented order (for "expected: …" messages). */
    static final List<String> TYPES = List.copyOf(TYPE_NAMES.values());

    private Wire() {
    }

    /** A parsed client message and its correlation id (null when it had none). */
    record Parsed(ClientMessage message, String id) {
    }

    private static Map<Class<?>, String> typeNames() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        for (JsonSubTypes.Type t : ClientMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            names.put(t.value(), t.name());
        }
        return names;
    }

    /** The wire type of a message, e.g. {@code set.next}. */
    static String typeName(ClientMessage message) {
        return TYPE_NAMES.get(message.getClass());
    }

    static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                .maxStringLength(MAX_MESSAGE_BYTES).maxNumberLength(32).build());
        for (LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Collection)) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, type == LogicalType.Integer ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, type == LogicalType.Float ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, type == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, type == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, type == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail);
        }
        return mapper;
    }

    /**
     * Parses one text message.
     *
     * @throws ProtocolException {@code too_large}, {@code malformed_json}, {@code bad_message}, {@code unknown_type} or
     *         {@code unsupported_version}; its {@link ProtocolException#id} is the message's id when it could be read
     */
    static Parsed parse(String text) throws ProtocolException {
        int bytes = utf8Length(text);
        if (bytes > MAX_MESSAGE_BYTES) {
            throw new ProtocolException(null, "too_large", "message of " + bytes + " bytes (expected: at most "
                    + MAX_MESSAGE_BYTES + ")");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(null, "malformed_json", "not JSON: " + clip(e.getOriginalMessage(), 120)
                    + " (expected: one JSON object)");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ProtocolException(null, "bad_message", "a JSON " + (tree == null ? "nothing" : tree.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT)) + " (expected: an object with a type)");
        }
        String id = null;
        JsonNode idNode = object.remove("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.textValue().isEmpty() || idNode.textValue().length() > MAX_ID_CHARS) {
                throw new ProtocolException(null, "bad_message", "field 'id' is not a string of 1.." + MAX_ID_CHARS
                        + " characters (expected: a string, or no id)");
            }
            id = idNode.textValue();
        }
        JsonNode typeNode = object.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ProtocolException(id, "bad_message", "field 'type' is " + (typeNode == null ? "missing" : "not a string")
                    + " (expected: a string such as \"hello\")");
        }
        String type = typeNode.textValue();
        if (!TYPES.contains(type)) {
            throw new ProtocolException(id, "unknown_type", "type '" + clip(type, 24) + "' (expected: one of "
                    + String.join(", ", TYPES) + ")");
        }
        JsonNode v = object.remove("v");
        if (v == null || !v.isIntegralNumber()) {
            throw new ProtocolException(id, "bad_message", type + ": field 'v' is " + (v == null ? "missing" : "not an integer")
                    + " (expected: \"v\":" + ServerMessage.VERSION + ")");
        }
        if (!v.canConvertToInt() || v.intValue() != ServerMessage.VERSION) {
            throw new ProtocolException(id, "unsupported_version", type + ": version " + clip(v.asText(), 12)
                    + " (expected: " + ServerMessage.VERSION + ")");
        }
        try {
            return new Parsed(MAPPER.treeToValue(object, ClientMessage.class), id);
        } catch (UnrecognizedPropertyException e) {
            throw new ProtocolException(id, "bad_message", type + ": unknown field '" + clip(e.getPropertyName(), 24)
                    + "' (expected: " + known(e.getKnownPropertyIds()) + ")");
        } catch (MismatchedInputException e) {
            String field = field(e);
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Missing required")
                    ? "is missing" : "has the wrong type";
            throw new ProtocolException(id, "bad_message", type + ": field '" + field + "' " + what + " (expected: "
                    + expectedType(e) + ")");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProtocolException(id, "bad_message", type + ": " + clip(e.getMessage(), 120)
                    + " (expected: the fields of " + type + ")");
        }
    }

    private static String field(MismatchedInputException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        if (parts.isEmpty() && e.getOriginalMessage() != null) {
            int quote = e.getOriginalMessage().indexOf('\'');
            int end = quote < 0 ? -1 : e.getOriginalMessage().indexOf('\'', quote + 1);
            if (end > quote) {
                return clip(e.getOriginalMessage().substring(quote + 1, end), 24);
            }
        }
        return clip(String.join(".", parts).replace(".[", "["), 40);
    }

    private static String expectedType(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        if (target == null) {
            return "the documented type";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == int.class || target == Integer.class) {
            return "an integer";
        }
        if (List.class.isAssignableFrom(target)) {
            return "an array of strings";
        }
        return "the documented type";
    }

    private static String known(Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) {
            return "no fields besides type, v and id";
        }
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /** Writes a server message as compact UTF-8 JSON. */
    static byte[] write(ServerMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.type() + " (expected: plain records)", e);
        }
    }

    static String writeString(ServerMessage message) {
        return new String(write(message), StandardCharsets.UTF_8);
    }

    /** Writes a client message the way a client should (type, v, id, fields): for tests and Java clients. */
    static String writeClient(ClientMessage message, String id) {
        ObjectNode fields = MAPPER.valueToTree(message);
        ObjectNode out = MAPPER.createObjectNode();
        out.set("type", fields.remove("type"));
        out.put("v", ServerMessage.VERSION);
        if (id != null) {
            out.put("id", id);
        }
        fields.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out.toString();
    }

    /** Parses a server message (the client side; for tests and Java clients). */
    static <T extends ServerMessage> T readServer(String json, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(json, type);
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static String clip(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 1);
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > max ? out.append('…').toString() : out.toString();
    }
}
