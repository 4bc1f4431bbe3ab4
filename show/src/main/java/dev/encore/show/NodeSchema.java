package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A small schema over snakeyaml-engine's {@link Node} tree: which keys a mapping may hold, each key's type and range,
 * whether it is required, and its default. {@link #walk} checks a document against it and returns the typed values by
 * dotted key path ({@code "audio.bitrate"}), keeping each node so later cross-field checks can still name a line.
 *
 * <p>Every error is a {@link ShowFileException} reading {@code "file:line: key.path: problem (expected: ...)"}. Values of
 * secret keys never appear in a message. Schemas are immutable once built; a walk is confined to the caller's thread.
 */
final class NodeSchema {
    private static final int MAX_SHOWN_CHARS = 40;
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ,
            Tag.ENV_TAG);

    private NodeSchema() {
    }

    /** Checks {@code root} (a mapping) against {@code schema}. */
    static Values walk(String fileName, MappingNode root, MapType schema, Map<String, String> env) throws ShowFileException {
        Values values = new Values(fileName, env);
        schema.read(root, "", values);
        return values;
    }

    /** The result of a walk: typed values and their nodes by dotted key path. */
    static final class Values {
        private final String fileName;
        private final Map<String, String> env;
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, Node> nodes = new HashMap<>();

        Values(String fileName, Map<String, String> env) {
            this.fileName = fileName;
            this.env = env;
        }

        boolean has(String path) {
            return values.containsKey(path);
        }

        @SuppressWarnings("unchecked")
        <T> T get(String path) {
            return (T) values.get(path);
        }

        /** An error located at {@code path}'s node, or at its nearest enclosing node when the key was absent. */
        ShowFileException error(String path, String problem, String expected) {
            String at = path;
            while (!at.isEmpty() && !nodes.containsKey(at)) {
                int dot = at.lastIndexOf('.');
                at = dot < 0 ? "" : at.substring(0, dot);
            }
            return error(nodes.get(at), path, problem, expected);
        }

        ShowFileException error(Node node, String path, String problem, String expected) {
            return NodeSchema.error(fileName, node == null ? Optional.empty() : node.getStartMark(), path, problem, expected);
        }
    }

    static ShowFileException error(String fileName, Optional<Mark> mark, String path, String problem, String expected) {
        StringBuilder message = new StringBuilder(fileName);
        mark.ifPresent(m -> message.append(':').append(m.getLine() + 1));
        message.append(": ");
        if (!path.isEmpty()) {
            message.append(path).append(": ");
        }
        message.append(problem);
        if (expected != null) {
            message.append(" (expected: ").append(expected).append(')');
        }
        return new ShowFileException(message.toString());
    }

    /** A key's type: reads a node at a path into the walk's values. */
    abstract static class Type {
        /** What a valid value looks like, for messages. */
        abstract String expected();

        abstract void read(Node node, String path, Values values) throws ShowFileException;

        /** Puts the defaults of an absent key; nothing by default. */
        void putDefaults(String path, Values values) {
        }
    }

    /** A key of a mapping. */
    record Field(String name, Type type, boolean required, Object defaultValue) {
    }

    /** A mapping with known keys; anything else is rejected, with the closest known key suggested. */
    static final class MapType extends Type {
        private final Map<String, Field> fields = new LinkedHashMap<>();

        MapType required(String name, Type type) {
            return add(new Field(name, type, true, null));
        }

        MapType optional(String name, Type type) {
            return add(new Field(name, type, false, null));
        }

        MapType optional(String name, Type type, Object defaultValue) {
            return add(new Field(name, type, false, requireNonNull(defaultValue, "defaultValue")));
        }

        private MapType add(Field field) {
            if (fields.putIfAbsent(field.name(), field) != null) {
                throw new IllegalArgumentException("duplicate field: " + field.name());
            }
            return this;
        }

        @Override
        String expected() {
            return "a mapping with " + String.join(", ", fields.keySet());
        }

        /** A section whose every key is optional: when it is absent its defaults still apply. */
        private boolean allOptional() {
            return fields.values().stream().noneMatch(Field::required);
        }

        @Override
        void putDefaults(String path, Values values) {
            if (!allOptional()) {
                return;
            }
            for (Field field : fields.values()) {
                String childPath = join(path, field.name());
                if (field.defaultValue() != null) {
                    values.values.put(childPath, field.defaultValue());
                } else {
                    field.type().putDefaults(childPath, values);
                }
            }
        }

        @Override
        void read(Node node, String path, Values values) throws ShowFileException {
            values.nodes.put(path, node);
            List<NodeTuple> tuples;
            if (node instanceof MappingNode mapping) {
                tuples = mapping.getValue();
            } else if (isNull(node)) {
                tuples = List.of(); // "audio:" with nothing under it: an empty section
            } else {
                throw values.error(node, path, "is " + describe(node, false), expected());
            }
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple tuple : tuples) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode keyScalar) || isNull(keyNode)) {
                    throw values.error(keyNode, path, "a key is " + describe(keyNode, false), "a plain key name");
                }
                String key = keyScalar.getValue();
                String childPath = join(path, key);
                Node first = seen.putIfAbsent(key, keyNode);
                if (first != null) {
                    throw values.error(keyNode, childPath, "duplicate key (first at line " + line(first) + ")", "each key once");
                }
                Field field = fields.get(key);
                if (field == null) {
                    throw values.error(keyNode, childPath, "unknown key" + suggestion(key), "one of " + String.join(", ",
                            fields.keySet()));
                }
                field.type().read(tuple.getValueNode(), childPath, values);
            }
            for (Field field : fields.values()) {
                if (seen.containsKey(field.name())) {
                    continue;
                }
                String childPath = join(path, field.name());
                if (field.required()) {
                    throw values.error(node, childPath, "is missing", field.type().expected());
                }
                if (field.defaultValue() != null) {
                    values.values.put(childPath, field.defaultValue());
                } else {
                    field.type().putDefaults(childPath, values);
                }
            }
        }

        private String suggestion(String key) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String known : fields.keySet()) {
                int distance = editDistance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
                if (distance < bestDistance) {
                    best = known;
                    bestDistance = distance;
                }
            }
            return best != null && bestDistance <= Math.max(2, key.length() / 3) ? ", did you mean '" + best + "'?" : "";
        }
    }

    /**
     * A list of up to {@code maxItems} elements of one type. Item {@code i} of the list at {@code path} is read at
     * {@code path[i]} (so a song's title is {@code setlist[2].title}); the list's own path holds the item count. An absent
     * or empty ({@code setlist:}) list has 0 items.
     */
    static final class ListType extends Type {
        private final Type element;
        private final int maxItems;
        private final String itemName;

        ListType(Type element, int maxItems, String itemName) {
            this.element = requireNonNull(element, "element");
            this.maxItems = maxItems;
            this.itemName = requireNonNull(itemName, "itemName");
        }

        /** The path of item {@code index} of the list at {@code path}. */
        static String item(String path, int index) {
            return path + "[" + index + "]";
        }

        @Override
        String expected() {
            return "a list of at most " + maxItems + " " + itemName + ", each " + element.expected();
        }

        @Override
        void putDefaults(String path, Values values) {
            values.values.put(path, 0);
        }

        @Override
        void read(Node node, String path, Values values) throws ShowFileException {
            values.nodes.put(path, node);
            List<Node> items;
            if (node instanceof SequenceNode sequence) {
                items = sequence.getValue();
            } else if (isNull(node)) {
                items = List.of();
            } else {
                throw values.error(node, path, "is " + describe(node, false), expected());
            }
            if (items.size() > maxItems) {
                throw values.error(node, path, "has " + items.size() + " " + itemName, "at most " + maxItems);
            }
            for (int i = 0; i < items.size(); i++) {
                element.read(items.get(i), item(path, i), values);
            }
            values.values.put(path, items.size());
        }
    }

    /**
     * A mapping whose keys the file chooses (ids such as {@code drops: {vinyl: ..., vip: ...}}), each matching a pattern,
     * each value of one type. The value under key {@code k} of the mapping at {@code path} is read at {@code path.k}; the
     * mapping's own path holds the keys in file order (a {@code List<String>}). An absent or empty mapping has no keys.
     */
    static final class DictType extends Type {
        private final Pattern keyPattern;
        private final String keyDescription;
        private final Type element;
        private final int maxEntries;
        private final String itemName;

        DictType(Pattern keyPattern, String keyDescription, Type element, int maxEntries, String itemName) {
            this.keyPattern = requireNonNull(keyPattern, "keyPattern");
            this.keyDescription = requireNonNull(keyDescription, "keyDescription");
            this.element = requireNonNull(element, "element");
            this.maxEntries = maxEntries;
            this.itemName = requireNonNull(itemName, "itemName");
        }

        @Override
        String expected() {
            return "a mapping of at most " + maxEntries + " " + itemName + " by id (" + keyDescription + "), each "
                    + element.expected();
        }

        @Override
        void putDefaults(String path, Values values) {
            values.values.put(path, List.of());
        }

        @Override
        void read(Node node, String path, Values values) throws ShowFileException {
            values.nodes.put(path, node);
            List<NodeTuple> tuples;
            if (node instanceof MappingNode mapping) {
                tuples = mapping.getValue();
            } else if (isNull(node)) {
                tuples = List.of();
            } else {
                throw values.error(node, path, "is " + describe(node, false), expected());
            }
            if (tuples.size() > maxEntries) {
                throw values.error(node, path, "has " + tuples.size() + " " + itemName, "at most " + maxEntries);
            }
            Map<String, Node> seen = new LinkedHashMap<>();
            for (NodeTuple tuple : tuples) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode keyScalar) || isNull(keyNode)) {
                    throw values.error(keyNode, path, "a key is " + describe(keyNode, false), keyDescription);
                }
                String key = keyScalar.getValue();
                if (!keyPattern.matcher(key).matches()) {
                    throw values.error(keyNode, path, quote(key) + " is not a valid id", keyDescription);
                }
                Node first = seen.putIfAbsent(key, keyNode);
                if (first != null) {
                    throw values.error(keyNode, join(path, key), "duplicate key (first at line " + line(first) + ")",
                            "each key once");
                }
                element.read(tuple.getValueNode(), join(path, key), values);
            }
            values.values.put(path, List.copyOf(seen.keySet()));
        }
    }

    /** A scalar of some kind; a null, a mapping or a list is rejected before {@link #convert} sees the text. */
    abstract static class ScalarType extends Type {
        /** Secret values are never shown in messages and may be given as {@code ${NAME}} from the environment. */
        boolean secret() {
            return false;
        }

        /** Converts the scalar's text, or throws with {@code values.error(node, path, ...)}. */
        abstract Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException;

        @Override
        final void read(Node node, String path, Values values) throws ShowFileException {
            values.nodes.put(path, node);
            if (!(node instanceof ScalarNode scalar)) {
                throw values.error(node, path, "is " + describe(node, secret()), expected());
            }
            if (isNull(node)) {
                throw values.error(node, path, "has no value", expected());
            }
            if (!PLAIN_TAGS.contains(node.getTag())) {
                throw values.error(node, path, "has an unsupported tag " + node.getTag().getValue(), expected());
            }
            String text = scalar.getValue();
            if (secret()) {
                text = fromEnvironment(scalar, text, path, values);
            } else if (node.getTag().equals(Tag.ENV_TAG)) {
                throw values.error(node, path, "takes no ${...} environment reference (only secrets do)", expected());
            }
            values.values.put(path, convert(scalar, text, path, values));
        }

        private String fromEnvironment(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (!text.startsWith("${")) {
                return text;
            }
            Matcher matcher = ENV_REFERENCE.matcher(text);
            if (!matcher.matches()) {
                throw values.error(node, path, "is not a valid environment reference", "${NAME} with NAME of letters, digits, _");
            }
            String name = matcher.group(1);
            String value = values.env.get(name);
            if (value == null) {
                throw values.error(node, path, "environment variable " + name + " is not set", expected());
            }
            return value;
        }

        /** The value as it may appear in a message: quoted, shortened, never for a secret. */
        final String show(ScalarNode node) {
            return secret() ? "the value" : quote(node.getValue());
        }
    }

    static final class IntType extends ScalarType {
        private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,18}");
        private final int min;
        private final int max;

        IntType(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        String expected() {
            return "an integer " + min + ".." + max;
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (!INTEGER.matcher(text).matches()) {
                throw values.error(node, path, show(node) + " is not an integer", expected());
            }
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw values.error(node, path, value + " is out of range", expected());
            }
            return (int) value;
        }
    }

    /** A whole number that may not fit an int (Telegram chat ids such as {@code -1001234567890}). */
    static final class LongType extends ScalarType {
        private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,18}");
        private final long min;
        private final long max;

        LongType(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        String expected() {
            return "an integer " + min + ".." + max;
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (!INTEGER.matcher(text).matches()) {
                throw values.error(node, path, show(node) + " is not an integer", expected());
            }
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw values.error(node, path, value + " is out of range", expected());
            }
            return value;
        }
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host, no user info and no fragment (a {@link URI}).
     * With {@code base} set, also no query, and a trailing {@code /} is dropped, so paths can be appended to it.
     */
    static final class UrlType extends ScalarType {
        static final int MAX_CHARS = 2000;
        private final boolean base;

        UrlType(boolean base) {
            this.base = base;
        }

        @Override
        String expected() {
            return base ? "an absolute http:// or https:// URL without query, e.g. https://live.example.org"
                    : "an absolute http:// or https:// URL, e.g. https://shop.example.org/vinyl";
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (text.length() > MAX_CHARS) {
                throw values.error(node, path, "has " + text.length() + " characters", expected() + ", at most " + MAX_CHARS
                        + " characters");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw values.error(node, path, show(node) + " is not a valid URL", expected());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
                throw values.error(node, path, show(node) + " is not an http or https URL", expected());
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw values.error(node, path, show(node) + " has no host", expected());
            }
            if (uri.getRawUserInfo() != null || uri.getRawFragment() != null || (base && uri.getRawQuery() != null)) {
                throw values.error(node, path, show(node) + " has " + (uri.getRawUserInfo() != null ? "user info"
                        : uri.getRawFragment() != null ? "a fragment" : "a query"), expected());
            }
            if (base && uri.getRawPath() != null && uri.getRawPath().endsWith("/")) {
                String trimmed = text.substring(0, text.length() - 1);
                return URI.create(trimmed);
            }
            return uri;
        }
    }

    /** A duration such as {@code 90s}, {@code 10m} or {@code 1h} (see {@link Durations}), from {@code min} to {@code max}. */
    static final class DurationType extends ScalarType {
        private final Duration min;
        private final Duration max;

        DurationType(Duration min, Duration max) {
            this.min = requireNonNull(min, "min");
            this.max = requireNonNull(max, "max");
        }

        @Override
        String expected() {
            return "a duration from " + Durations.format(min) + " to " + Durations.format(max) + " such as 90s, 10m or 1h";
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            Duration d;
            try {
                d = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw values.error(node, path, show(node) + " is not a duration", expected());
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw values.error(node, path, show(node) + " is out of range", expected());
            }
            return d;
        }
    }

    static final class BoolType extends ScalarType {
        @Override
        String expected() {
            return "true or false";
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (!node.getTag().equals(Tag.BOOL)) {
                throw values.error(node, path, show(node) + " is not a boolean", expected());
            }
            return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
        }
    }

    /** A string of bounded length, optionally matching a pattern. */
    static final class StringType extends ScalarType {
        private final int minLength;
        private final int maxLength;
        private final Pattern pattern;
        private final String description;

        StringType(int minLength, int maxLength, Pattern pattern, String description) {
            this.minLength = minLength;
            this.maxLength = maxLength;
            this.pattern = pattern;
            this.description = requireNonNull(description, "description");
        }

        @Override
        String expected() {
            return description;
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            int length = text.codePointCount(0, text.length());
            if (length < minLength || length > maxLength) {
                throw values.error(node, path, show(node) + " has " + length + " characters", expected());
            }
            if (pattern != null && !pattern.matcher(text).matches()) {
                throw values.error(node, path, show(node) + " is not valid", expected());
            }
            return text;
        }
    }

    /** One of a fixed set of lower-case words. */
    static final class EnumType<E extends Enum<E>> extends ScalarType {
        private final Map<String, E> byName = new LinkedHashMap<>();

        EnumType(Class<E> type) {
            for (E constant : type.getEnumConstants()) {
                byName.put(constant.name().toLowerCase(Locale.ROOT), constant);
            }
        }

        @Override
        String expected() {
            return String.join(" or ", byName.keySet());
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            E value = byName.get(text);
            if (value == null) {
                throw values.error(node, path, show(node) + " is not a known value", expected());
            }
            return value;
        }
    }

    /**
     * A secret, given in the file or as {@code ${NAME}} from the environment. {@code check} returns null when the value is
     * fine, or a problem that must not contain the value.
     */
    static final class SecretType extends ScalarType {
        private final String description;
        private final Function<String, String> check;

        SecretType(String description, Function<String, String> check) {
            this.description = requireNonNull(description, "description");
            this.check = requireNonNull(check, "check");
        }

        @Override
        boolean secret() {
            return true;
        }

        @Override
        String expected() {
            return description;
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            String problem = check.apply(text);
            if (problem != null) {
                throw values.error(node, path, problem, expected());
            }
            return Secret.of(text);
        }
    }

    /** An IP address literal (never a host name: nothing is looked up). */
    static final class IpType extends ScalarType {
        @Override
        String expected() {
            return "an IPv4 or IPv6 address literal such as 0.0.0.0 or 127.0.0.1";
        }

        @Override
        Object convert(ScalarNode node, String text, String path, Values values) throws ShowFileException {
            if (!IpLiterals.isLiteral(text)) {
                throw values.error(node, path, show(node) + " is not an IP address literal", expected());
            }
            return text;
        }
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    static String describe(Node node, boolean secret) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof ScalarNode scalar) {
            if (isNull(node)) {
                return "empty";
            }
            return secret ? "a scalar" : "a scalar " + quote(scalar.getValue());
        }
        return "a list";
    }

    static String quote(String text) {
        StringBuilder shown = new StringBuilder("'");
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (++count > MAX_SHOWN_CHARS) {
                shown.append('…');
                break;
            }
            shown.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
        }
        return shown.append('\'').toString();
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Levenshtein distance, for "did you mean". */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
