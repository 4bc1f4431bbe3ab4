package dev.encore.show;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads and validates show files (YAML).
 *
 * <p>The file is composed into snakeyaml-engine's node tree (never into Java objects: no tags are constructed) and then
 * checked by a small schema, {@link #SCHEMA}: to add a key, add it there and read it in {@link #build}. Stateless.
 */
public final class ShowFiles {
    /** Largest show file accepted, in bytes. */
    static final int MAX_BYTES = 1024 * 1024;
    /** Aliases to a mapping or list: a few are handy, thousands are a "billion laughs" bomb. */
    static final int MAX_COLLECTION_ALIASES = 16;

    static final int MIN_KEY_CHARS = 16;
    static final int SRTP_KEY_AND_SALT_BYTES = 30;
    /** The most songs a show file's set list may plan (the performer can add more during the show). */
    static final int MAX_SONGS = 100;
    /**
     * A song title: at least one non-space, and none of the characters the live show refuses in titles (controls, line
     * and paragraph separators, bidirectional formatting, BOM, noncharacters), so a planned set list always opens.
     */
    private static final Pattern SONG_TITLE = Pattern.compile("(?U)(?=.*\\S)[^\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}"
            + "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]+");

    /** The most drops a show file may hold, and the most cues one song may have. */
    static final int MAX_DROPS = 50;
    static final int MAX_CUES = 10;
    /** The longest a drop stays open, and the latest offset from the set start it may open at. */
    static final Duration MAX_WINDOW = Duration.ofHours(24);
    static final Duration MAX_AT = Duration.ofHours(24);
    static final int MAX_DROP_QUANTITY = 1_000_000;
    /** A drop id: used in URLs ({@code /go/{show}/{drop}}). */
    static final Pattern DROP_ID = Pattern.compile("[a-z0-9-]{1,40}");
    /** A Bot API token as BotFather gives it: the bot's id, a colon, and URL-safe characters (it goes in request paths). */
    private static final Pattern BOT_TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,200}");
    /** A chat id: Telegram's fit in 53 bits (groups and channels negative). */
    private static final long MAX_CHAT_ID = 1L << 53;

    /** {@code highlights.cover}: a path, without control characters. */
    static final int MAX_PATH_CHARS = 1000;
    private static final Pattern COVER_PATH = Pattern.compile("[^\\p{Cc}]*\\S[^\\p{Cc}]*");

    private static final NodeSchema.MapType SCHEMA = schema();

    private ShowFiles() {
    }

    private static NodeSchema.MapType schema() {
        NodeSchema.MapType performer = new NodeSchema.MapType()
                .required("key", new NodeSchema.SecretType("a secret of at least " + MIN_KEY_CHARS + " characters, or ${ENV_VAR}",
                        key -> key.codePointCount(0, key.length()) < MIN_KEY_CHARS ? "is too short" : null));
        NodeSchema.MapType access = new NodeSchema.MapType()
                .optional("mode", new NodeSchema.EnumType<>(AccessMode.class), AccessMode.OPEN)
                .optional("capacity", new NodeSchema.IntType(1, Capacity.MAX_SEATS))
                .optional("vipSeats", new NodeSchema.IntType(0, Capacity.MAX_SEATS));
        NodeSchema.MapType audio = new NodeSchema.MapType()
                .optional("bitrate", new NodeSchema.IntType(6_000, 510_000), 96_000)
                .optional("stereo", new NodeSchema.BoolType(), true);
        NodeSchema.MapType rtp = new NodeSchema.MapType()
                .required("port", new NodeSchema.IntType(1024, 65535))
                .optional("bind", new NodeSchema.IpType(), "0.0.0.0")
                .optional("srtpKey", new NodeSchema.SecretType("base64 of the " + SRTP_KEY_AND_SALT_BYTES
                        + "-byte AES_CM_128_HMAC_SHA1_80 master key||salt, or ${ENV_VAR}", ShowFiles::srtpKeyProblem));
        NodeSchema.MapType ingest = new NodeSchema.MapType()
                .optional("rtp", rtp);
        NodeSchema.MapType cue = new NodeSchema.MapType()
                .required("drop", new NodeSchema.StringType(1, 40, DROP_ID, "the id of a drop under drops:"));
        NodeSchema.MapType song = new NodeSchema.MapType()
                .required("title", new NodeSchema.StringType(1, PlannedSong.MAX_TITLE, SONG_TITLE,
                        "1 to " + PlannedSong.MAX_TITLE + " characters, not all spaces, without control characters"))
                .optional("cues", new NodeSchema.ListType(cue, MAX_CUES, "cues"));
        NodeSchema.MapType telegram = new NodeSchema.MapType()
                .optional("botToken", new NodeSchema.SecretType("the bot's token from BotFather (digits, ':', letters), or"
                        + " ${ENV_VAR}", token -> BOT_TOKEN.matcher(token).matches() ? null : "is not a bot token"))
                .required("chatId", new NodeSchema.LongType(-MAX_CHAT_ID, MAX_CHAT_ID))
                .optional("messageThreadId", new NodeSchema.IntType(1, Integer.MAX_VALUE))
                .optional("staffChatId", new NodeSchema.LongType(-MAX_CHAT_ID, MAX_CHAT_ID))
                .optional("apiUrl", new NodeSchema.UrlType(true), TelegramSettings.DEFAULT_API_URL);
        NodeSchema.MapType drop = new NodeSchema.MapType()
                .required("text", new NodeSchema.StringType(1, Drop.MAX_TEXT, SONG_TITLE,
                        "1 to " + Drop.MAX_TEXT + " characters, not all spaces, without control characters"))
                .required("url", new NodeSchema.UrlType(false))
                .optional("quantity", new NodeSchema.IntType(1, MAX_DROP_QUANTITY))
                .optional("window", new NodeSchema.DurationType(Duration.ofSeconds(1), MAX_WINDOW))
                .optional("at", new NodeSchema.DurationType(Duration.ZERO, MAX_AT));
        NodeSchema.MapType highlights = new NodeSchema.MapType()
                .optional("maxSeconds", new NodeSchema.IntType(1, HighlightsSettings.MAX_SECONDS),
                        HighlightsSettings.DEFAULT_MAX_SECONDS)
                .optional("cover", new NodeSchema.StringType(1, MAX_PATH_CHARS, COVER_PATH,
                        "the path of a PNG or JPEG image, relative to the show file"))
                .optional("offer", new NodeSchema.StringType(1, 40, DROP_ID, "the id of a drop under drops:"));
        return new NodeSchema.MapType()
                .required("id", new NodeSchema.StringType(1, 40, Pattern.compile("[a-z0-9-]+"),
                        "1 to 40 characters of a-z, 0-9 and '-'"))
                .required("title", new NodeSchema.StringType(1, 120, null, "1 to 120 characters"))
                .required("performer", performer)
                .optional("access", access)
                .optional("audio", audio)
                .optional("ingest", ingest)
                .optional("setlist", new NodeSchema.ListType(song, MAX_SONGS, "songs"))
                .optional("publicUrl", new NodeSchema.UrlType(true))
                .optional("telegram", telegram)
                .optional("drops", new NodeSchema.DictType(DROP_ID, "1 to 40 characters of a-z, 0-9 and '-'", drop, MAX_DROPS,
                        "drops"))
                .optional("recording", new NodeSchema.BoolType(), true)
                .optional("highlights", highlights);
    }

    /**
     * Loads a show file; {@code ${NAME}} values are taken from {@code env}.
     *
     * @throws ShowFileException naming the file, the key and what was expected
     */
    public static ShowConfig load(Path file, Map<String, String> env) throws ShowFileException {
        requireNonNull(file, "file");
        requireNonNull(env, "env");
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw NodeSchema.error(name, Optional.empty(), "", "the file is too large: " + Files.size(file) + " bytes",
                        "at most " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw NodeSchema.error(name, Optional.empty(), "", "no such file", "a readable show file");
        } catch (IOException e) {
            throw NodeSchema.error(name, Optional.empty(), "", "cannot be read: " + e, "a readable show file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw NodeSchema.error(name, Optional.empty(), "", "is not UTF-8 text", "a YAML file in UTF-8");
        }
        return parse(file, name, text, env);
    }

    /**
     * Parses a show file's text, for tests and built-in shows; {@code ${NAME}} values are taken from {@code env}.
     *
     * @param fileName the name messages give for the file
     * @throws ShowFileException naming the file, the key and what was expected
     */
    public static ShowConfig parse(String fileName, String yaml, Map<String, String> env) throws ShowFileException {
        return parse(null, requireNonNull(fileName, "fileName"), yaml, env);
    }

    private static ShowConfig parse(Path source, String fileName, String yaml, Map<String, String> env)
            throws ShowFileException {
        requireNonNull(yaml, "yaml");
        requireNonNull(env, "env");
        if (utf8Length(yaml) > MAX_BYTES) {
            throw NodeSchema.error(fileName, Optional.empty(), "", "the file is too large", "at most " + MAX_BYTES + " bytes");
        }
        Node root = compose(fileName, yaml);
        if (!(root instanceof MappingNode mapping)) {
            throw NodeSchema.error(fileName, root.getStartMark(), "", "the document is " + NodeSchema.describe(root, true),
                    SCHEMA.expected());
        }
        return build(source, NodeSchema.walk(fileName, mapping, SCHEMA, env));
    }

    private static Node compose(String fileName, String yaml) throws ShowFileException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(fileName)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // the composer ignores it; NodeSchema reports duplicates with both lines
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
                .setCodePointLimit(MAX_BYTES + 1)
                .setParseComments(false)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            // getProblem() only: getMessage() quotes a snippet of the file, which could hold a secret
            throw NodeSchema.error(fileName, e.getProblemMark().or(e::getContextMark), "", "is not valid YAML: " + yamlProblem(e),
                    "a YAML mapping");
        } catch (YamlEngineException e) {
            throw NodeSchema.error(fileName, Optional.empty(), "", "is not a usable YAML document: " + e.getMessage(),
                    "a YAML mapping without more than " + MAX_COLLECTION_ALIASES + " aliases to a mapping or list");
        } catch (StackOverflowError e) {
            // the composer recurses per nesting level: "[[[[..." a million deep
            throw NodeSchema.error(fileName, Optional.empty(), "", "is nested too deeply", "a YAML mapping");
        }
        if (root.isEmpty()) {
            throw NodeSchema.error(fileName, Optional.empty(), "", "the file is empty", SCHEMA.expected());
        }
        return root.get();
    }

    private static ShowConfig build(Path source, NodeSchema.Values values) throws ShowFileException {
        RtpIngestSettings rtp = null;
        if (values.has("ingest.rtp.port")) {
            String bind = values.get("ingest.rtp.bind");
            Secret srtpKey = values.get("ingest.rtp.srtpKey");
            if (srtpKey == null && !IpLiterals.isLoopback(bind)) {
                throw values.error("ingest.rtp.bind", "plain RTP without srtpKey may not listen on " + bind,
                        "a loopback address such as 127.0.0.1, or an srtpKey");
            }
            rtp = new RtpIngestSettings(bind, values.<Integer>get("ingest.rtp.port"), srtpKey);
        }
        Map<String, Drop> drops = drops(values);
        List<PlannedSong> songs = setList(values, drops);
        requireEveryDropPosted(values, drops, songs);
        URI publicUrl = values.get("publicUrl");
        TelegramSettings telegram = telegram(values);
        if (telegram != null && publicUrl == null) {
            throw values.error("publicUrl", "is missing while telegram: is set",
                    "publicUrl: the http(s) URL listeners reach this server at, for the links the bot posts");
        }
        return new ShowConfig(source,
                values.get("id"),
                values.get("title"),
                values.get("performer.key"),
                values.get("access.mode"),
                new AudioSettings(values.<Integer>get("audio.bitrate"), values.<Boolean>get("audio.stereo")),
                rtp,
                capacity(values),
                songs,
                publicUrl,
                telegram,
                drops,
                values.<Boolean>get("recording"),
                highlights(source, values, drops));
    }

    /**
     * {@code highlights}: the cover resolved against the show file's folder (the working directory for a parsed text); the
     * offer must name one of the drops.
     */
    private static HighlightsSettings highlights(Path source, NodeSchema.Values values, Map<String, Drop> drops)
            throws ShowFileException {
        String cover = values.get("highlights.cover");
        Path coverPath = null;
        if (cover != null) {
            try {
                Path given = Path.of(cover);
                Path dir = source == null ? null : source.toAbsolutePath().getParent();
                coverPath = dir == null || given.isAbsolute() ? given : dir.resolve(given).normalize();
            } catch (InvalidPathException e) {
                throw values.error("highlights.cover", "is not a valid path: " + e.getReason(),
                        "the path of a PNG or JPEG image, relative to the show file");
            }
        }
        String offer = values.get("highlights.offer");
        if (offer != null && !drops.containsKey(offer)) {
            throw values.error("highlights.offer", NodeSchema.quote(offer) + " is not a drop", drops.isEmpty()
                    ? "one of the drops' ids, and there is no drops: section" : "one of the drops' ids: "
                    + String.join(", ", drops.keySet()));
        }
        return new HighlightsSettings(values.<Integer>get("highlights.maxSeconds"), coverPath, offer);
    }

    /** {@code setlist}: the planned songs in order with their cues, empty when absent. */
    private static List<PlannedSong> setList(NodeSchema.Values values, Map<String, Drop> drops) throws ShowFileException {
        int count = values.has("setlist") ? values.<Integer>get("setlist") : 0;
        List<PlannedSong> songs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String song = NodeSchema.ListType.item("setlist", i);
            int cueCount = values.has(song + ".cues") ? values.<Integer>get(song + ".cues") : 0;
            List<String> cues = new ArrayList<>(cueCount);
            for (int c = 0; c < cueCount; c++) {
                String path = NodeSchema.ListType.item(song + ".cues", c) + ".drop";
                String dropId = values.get(path);
                if (!drops.containsKey(dropId)) {
                    throw values.error(path, NodeSchema.quote(dropId) + " is not a drop", drops.isEmpty()
                            ? "the id of a drop under drops:, and there is none" : "one of " + String.join(", ", drops.keySet()));
                }
                if (cues.contains(dropId)) {
                    throw values.error(path, NodeSchema.quote(dropId) + " is cued twice for this song", "each drop once per song");
                }
                cues.add(dropId);
            }
            songs.add(new PlannedSong(values.get(song + ".title"), cues));
        }
        return songs;
    }

    /** {@code drops}: by id in file order, empty when absent. */
    private static Map<String, Drop> drops(NodeSchema.Values values) {
        Map<String, Drop> drops = new LinkedHashMap<>();
        List<String> ids = values.has("drops") ? values.get("drops") : List.of();
        for (String id : ids) {
            String path = "drops." + id;
            drops.put(id, new Drop(id, values.get(path + ".text"), values.get(path + ".url"), values.get(path + ".quantity"),
                    values.get(path + ".window"), values.get(path + ".at")));
        }
        return drops;
    }

    /** A drop without {@code at} that no song cues would never be posted: surely a mistake. */
    private static void requireEveryDropPosted(NodeSchema.Values values, Map<String, Drop> drops, List<PlannedSong> songs)
            throws ShowFileException {
        for (Drop drop : drops.values()) {
            if (drop.at() == null && songs.stream().noneMatch(s -> s.cueDrops().contains(drop.id()))) {
                throw values.error("drops." + drop.id(), "is never posted: it has no at: and no song cues it",
                        "at: an offset from the set start such as 15m, or a song with cues: [ { drop: " + drop.id() + " } ]");
            }
        }
    }

    /** {@code telegram}, or null when the show has no bot. */
    private static TelegramSettings telegram(NodeSchema.Values values) throws ShowFileException {
        if (!values.has("telegram.chatId")) {
            return null;
        }
        long chatId = values.<Long>get("telegram.chatId");
        if (chatId == 0) {
            throw values.error("telegram.chatId", "0 is not a chat id", "the group's id, e.g. -1001234567890");
        }
        Long staffChatId = values.get("telegram.staffChatId");
        if (staffChatId != null && staffChatId == 0) {
            throw values.error("telegram.staffChatId", "0 is not a chat id", "the crew chat's id, e.g. -1009876543210");
        }
        return new TelegramSettings(values.get("telegram.botToken"), chatId, values.get("telegram.messageThreadId"),
                staffChatId, values.get("telegram.apiUrl"));
    }

    /** {@code access.capacity} and {@code access.vipSeats}, or null for no limit. */
    private static Capacity capacity(NodeSchema.Values values) throws ShowFileException {
        Integer seats = values.get("access.capacity");
        Integer vipSeats = values.get("access.vipSeats");
        if (seats == null) {
            if (vipSeats != null) {
                throw values.error("access.vipSeats", "is given without access.capacity",
                        "access.capacity too, the number of listeners at once of which vipSeats are kept for VIPs");
            }
            return null;
        }
        if (vipSeats != null && vipSeats > seats) {
            throw values.error("access.vipSeats", vipSeats + " is more than access.capacity, " + seats, "0.." + seats);
        }
        return new Capacity(seats, vipSeats == null ? 0 : vipSeats);
    }

    private static String yamlProblem(MarkedYamlEngineException e) {
        return e.getContext() == null ? e.getProblem() : e.getContext() + "; " + e.getProblem();
    }

    /** Null when {@code base64} holds a 30-byte key||salt; else the problem, without the key. */
    private static String srtpKeyProblem(String base64) {
        byte[] keyAndSalt;
        try {
            keyAndSalt = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return "is not base64"; // not e.getMessage(): it quotes the offending character
        }
        return keyAndSalt.length == SRTP_KEY_AND_SALT_BYTES ? null : "decodes to " + keyAndSalt.length + " bytes";
    }

    private static long utf8Length(String text) {
        if (text.length() * 3L <= MAX_BYTES) {
            return text.length();
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4 bytes
        }
        return bytes;
    }
}
