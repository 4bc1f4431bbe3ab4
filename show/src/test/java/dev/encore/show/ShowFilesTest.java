package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowFilesTest {
    private static final String KEY = "correct horse battery staple";
    private static final String SRTP_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"; // bytes 0..29
    private static final Map<String, String> ENV = Map.of("ROOFTOP_KEY", "s3cr3t-from-the-env!", "SHORT", "tiny");
    private static final String HEAD = """
            id: rooftop-3
            title: "Rooftop Acoustic #3"
            performer:
              key: "correct horse battery staple"
            """;

    private static ShowConfig parse(String yaml) throws ShowFileException {
        return ShowFiles.parse("rooftop.yaml", yaml, ENV);
    }

    /** The message of the ShowFileException that parsing {@code yaml} must throw. */
    private static String failure(String yaml) {
        ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> parse(yaml));
        assertThat(e).as("expected a ShowFileException for:%n%s", yaml).isNotNull();
        assertThat(e.getMessage()).startsWith("rooftop.yaml").doesNotContain(KEY).doesNotContain(SRTP_KEY);
        return e.getMessage();
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ShowFilesTest.class.getResource(name).toURI());
    }

    @Nested
    class Valid {
        @Test
        void minimalFileGetsDefaults() throws Exception {
            ShowConfig show = ShowFiles.load(resource("minimal.yaml"), Map.of());

            assertThat(show.source()).isEqualTo(resource("minimal.yaml"));
            assertThat(show.id()).isEqualTo("open-mic");
            assertThat(show.title()).isEqualTo("Open mic");
            assertThat(show.performerKey().matches(KEY)).isTrue();
            assertThat(show.access()).isEqualTo(AccessMode.OPEN);
            assertThat(show.audio()).isEqualTo(new AudioSettings(96_000, true));
            assertThat(show.rtpIngest()).isNull();
            assertThat(show.setList()).isEmpty();
        }

        @Test
        void completeFileWithKeyFromEnvironment() throws Exception {
            ShowConfig show = ShowFiles.load(resource("rooftop.yaml"), ENV);

            assertThat(show.id()).isEqualTo("rooftop-3");
            assertThat(show.title()).isEqualTo("Rooftop Acoustic #3");
            assertThat(show.performerKey().matches("s3cr3t-from-the-env!")).isTrue();
            assertThat(show.access()).isEqualTo(AccessMode.TOKEN);
            assertThat(show.capacity()).isEqualTo(new Capacity(50, 5));
            assertThat(show.audio()).isEqualTo(new AudioSettings(64_000, false));
            assertThat(show.rtpIngest().port()).isEqualTo(5004);
            assertThat(show.rtpIngest().bind()).isEqualTo("0.0.0.0");
            assertThat(show.rtpIngest().srtpKey().reveal()).isEqualTo(SRTP_KEY);
            assertThat(show.songTitles()).containsExactly("Opening", "Harbour Lights", "Blackbird");
            assertThat(show.setList().get(1).cueDrops()).containsExactly("vinyl");
            assertThat(show.publicUrl()).hasToString("https://live.example.org");
            assertThat(show.telegram()).isEqualTo(new TelegramSettings(null, -1001234567890L, 7, -1009876543210L,
                    URI.create("http://127.0.0.1:8081")));
            assertThat(show.drops().keySet()).containsExactly("vinyl", "vip");
            assertThat(show.drops().get("vinyl").quantity()).isEqualTo(50);
            assertThat(show.drops().get("vip").at()).hasMinutes(15);
            assertThat(show.toString()).doesNotContain("s3cr3t").doesNotContain(SRTP_KEY);
        }

        @Test
        void capacityAndVipSeats() throws Exception {
            assertThat(parse(HEAD).capacity()).isNull();
            assertThat(parse(HEAD + "access:\n  mode: token\n").capacity()).isNull();
            assertThat(parse(HEAD + "access:\n  capacity: 50\n").capacity()).isEqualTo(new Capacity(50, 0));
            assertThat(parse(HEAD + "access: {capacity: 2, vipSeats: 1}\n").capacity()).isEqualTo(new Capacity(2, 1));
            assertThat(parse(HEAD + "access: {capacity: 1, vipSeats: 1}\n").capacity()).isEqualTo(new Capacity(1, 1));
            assertThat(parse(HEAD + "access: {capacity: 3, vipSeats: 0}\n").capacity()).isEqualTo(new Capacity(3, 0));
            assertThat(parse(HEAD + "access: {capacity: 1000000}\n").capacity().seats()).isEqualTo(1_000_000);
            assertThat(parse(HEAD + "access: {mode: open, capacity: 7}\n").access()).isEqualTo(AccessMode.OPEN);
        }

        @Test
        void parseHasNoSource() throws Exception {
            assertThat(parse(HEAD).source()).isNull();
        }

        @Test
        void plainRtpOnLoopbackDefaultsAndEmptySections() throws Exception {
            ShowConfig show = parse(HEAD + """
                    access:
                    audio:
                      stereo: False
                    ingest:
                      rtp:
                        port: 65535
                        bind: ::1
                    """);

            assertThat(show.access()).isEqualTo(AccessMode.OPEN);
            assertThat(show.audio()).isEqualTo(new AudioSettings(96_000, false));
            assertThat(show.rtpIngest()).isEqualTo(new RtpIngestSettings("::1", 65535, null));
        }

        @Test
        void emptyIngestMeansNoIngest() throws Exception {
            assertThat(parse(HEAD + "ingest:\n").rtpIngest()).isNull();
            assertThat(parse(HEAD + "ingest: {}\n").rtpIngest()).isNull();
        }

        @Test
        void rangeEndsAreAccepted() throws Exception {
            assertThat(parse(HEAD + "audio: {bitrate: 6000}\n").audio().bitrate()).isEqualTo(6000);
            assertThat(parse(HEAD + "audio: {bitrate: 510000}\n").audio().bitrate()).isEqualTo(510_000);
            assertThat(parse(HEAD + "ingest: {rtp: {port: 1024, bind: 127.0.0.1}}\n").rtpIngest().port()).isEqualTo(1024);
            assertThat(parse(HEAD.replace("rooftop-3", "a".repeat(40))).id()).hasSize(40);
            assertThat(parse(HEAD.replace("\"Rooftop Acoustic #3\"", "\"" + "é".repeat(120) + "\"")).title()).hasSize(120);
            assertThat(parse(HEAD.replace(KEY, "k".repeat(16))).performerKey().matches("k".repeat(16))).isTrue();
        }

        @Test
        void quotedEnvironmentReferenceIsStillOne() throws Exception {
            ShowConfig show = parse(HEAD.replace("\"" + KEY + "\"", "\"${ROOFTOP_KEY}\""));

            assertThat(show.performerKey().matches("s3cr3t-from-the-env!")).isTrue();
        }

        @Test
        void smallAliasesAreFine() throws Exception {
            ShowConfig show = parse("""
                    id: &name duo
                    title: *name
                    performer: {key: "correct horse battery staple"}
                    """);

            assertThat(show.title()).isEqualTo("duo");
        }
    }

    @Nested
    class NotAShowFile {
        @Test
        void empty() {
            assertThat(failure("")).isEqualTo("rooftop.yaml: the file is empty"
                    + " (expected: a mapping with id, title, performer, access, audio, ingest, setlist, publicUrl, telegram, drops,"
                    + " recording, highlights)");
            assertThat(failure("# only a comment\n")).contains("the file is empty");
        }

        @Test
        void aList() {
            assertThat(failure("- id: a\n- id: b\n")).isEqualTo("rooftop.yaml:1: the document is a list"
                    + " (expected: a mapping with id, title, performer, access, audio, ingest, setlist, publicUrl, telegram, drops,"
                    + " recording, highlights)");
        }

        @Test
        void aScalarIsNotShown() {
            assertThat(failure("just some words\n")).isEqualTo("rooftop.yaml:1: the document is a scalar"
                    + " (expected: a mapping with id, title, performer, access, audio, ingest, setlist, publicUrl, telegram, drops,"
                    + " recording, highlights)");
        }

        @Test
        void notYamlGivesProblemAndLineButNoSnippet() {
            String message = failure(HEAD + "audio:\n  bitrate: [1, 2\n  stereo: true\n");

            assertThat(message).startsWith("rooftop.yaml:").contains("is not valid YAML").doesNotContain("^");
        }

        @Test
        void syntaxErrorNearASecretDoesNotQuoteIt() {
            String message = failure("id: a\ntitle: b\nperformer:\n  key: \"correct horse battery staple\n");

            assertThat(message).contains("is not valid YAML").doesNotContain("horse");
        }

        @Test
        void twoDocuments() {
            assertThat(failure(HEAD + "---\n" + HEAD)).contains("is not valid YAML").contains("single document");
        }

        @Test
        void tooLarge() {
            String padded = HEAD + "#" + "x".repeat(ShowFiles.MAX_BYTES) + "\n";

            assertThat(failure(padded)).isEqualTo("rooftop.yaml: the file is too large (expected: at most 1048576 bytes)");
        }

        @Test
        void tooLargeCountsBytesNotChars() {
            String padded = HEAD + "#" + "é".repeat(ShowFiles.MAX_BYTES / 2) + "\n";

            assertThat(failure(padded)).contains("too large");
        }

        @Test
        void billionLaughs() {
            StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
            for (char c = 'b'; c <= 'j'; c++) {
                char p = (char) (c - 1);
                yaml.append(c).append(": &").append(c).append(" [*").append(p);
                for (int i = 0; i < 8; i++) {
                    yaml.append(",*").append(p);
                }
                yaml.append("]\n");
            }

            assertThat(failure(yaml.toString())).contains("aliases");
        }

        @Test
        void recursiveAlias() {
            String message = failure(HEAD + "audio: &x {stereo: *x}\n");

            assertThat(message).startsWith("rooftop.yaml:");
        }

        @Test
        void deepNesting() {
            String deep = "a: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";

            assertThat(failure(deep)).startsWith("rooftop.yaml");
        }

        @Test
        void customTag() {
            assertThat(failure(HEAD + "audio: {bitrate: !!binary AAAA}\n")).isEqualTo(
                    "rooftop.yaml:5: audio.bitrate: has an unsupported tag tag:yaml.org,2002:binary"
                            + " (expected: an integer 6000..510000)");
        }
    }

    @Nested
    class OnDisk {
        @Test
        void missingFile(@TempDir Path dir) {
            Path file = dir.resolve("gone.yaml");
            ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> ShowFiles.load(file, ENV));

            assertThat(e).hasMessage(file + ": no such file (expected: a readable show file)");
        }

        @Test
        void notUtf8(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("latin1.yaml");
            Files.write(file, "id: x\ntitle: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
            ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> ShowFiles.load(file, ENV));

            assertThat(e).hasMessage(file + ": is not UTF-8 text (expected: a YAML file in UTF-8)");
        }

        @Test
        void tooLargeIsRejectedBeforeReading(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("huge.yaml");
            Files.write(file, new byte[ShowFiles.MAX_BYTES + 1]);
            ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> ShowFiles.load(file, ENV));

            assertThat(e).hasMessage(file + ": the file is too large: 1048577 bytes (expected: at most 1048576 bytes)");
        }

        @Test
        void errorsNameTheFile(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("typo.yaml");
            Files.writeString(file, HEAD + "audio:\n  bitrat: 64000\n");
            ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> ShowFiles.load(file, ENV));

            assertThat(e).hasMessageStartingWith(file + ":6: audio.bitrat: unknown key");
        }
    }

    @Nested
    class Keys {
        @Test
        void unknownKeySuggestsTheClosest() {
            assertThat(failure(HEAD + "audio:\n  bitrat: 64000\n")).isEqualTo(
                    "rooftop.yaml:6: audio.bitrat: unknown key, did you mean 'bitrate'? (expected: one of bitrate, stereo)");
            assertThat(failure(HEAD + "tittle: x\n")).contains(":5: tittle: unknown key, did you mean 'title'?");
            assertThat(failure(HEAD + "Access: {mode: open}\n")).contains("did you mean 'access'?");
        }

        @Test
        void unknownKeyFarFromAnyListsThem() {
            assertThat(failure(HEAD + "songs: [Intro]\n")).isEqualTo("rooftop.yaml:5: songs: unknown key"
                    + " (expected: one of id, title, performer, access, audio, ingest, setlist, publicUrl, telegram, drops,"
                    + " recording, highlights)");
        }

        @Test
        void misspelledKeyGetsASuggestion() {
            assertThat(failure(HEAD + "access:\n  vipSets: 2\n")).isEqualTo("rooftop.yaml:6: access.vipSets: unknown key,"
                    + " did you mean 'vipSeats'? (expected: one of mode, capacity, vipSeats)");
        }

        @Test
        void duplicateKey() {
            assertThat(failure(HEAD + "audio:\n  bitrate: 64000\n  stereo: true\n  bitrate: 32000\n")).isEqualTo(
                    "rooftop.yaml:8: audio.bitrate: duplicate key (first at line 6) (expected: each key once)");
            assertThat(failure(HEAD + "id: again\n")).contains(":5: id: duplicate key (first at line 1)");
        }

        @Test
        void complexKey() {
            assertThat(failure(HEAD + "? [a, b]\n: c\n")).isEqualTo(
                    "rooftop.yaml:5: a key is a list (expected: a plain key name)");
        }

        @Test
        void missingRequired() {
            assertThat(failure("title: t\nperformer: {key: \"" + KEY + "\"}\n")).isEqualTo(
                    "rooftop.yaml:1: id: is missing (expected: 1 to 40 characters of a-z, 0-9 and '-')");
            assertThat(failure("id: a\nperformer: {key: \"" + KEY + "\"}\n")).isEqualTo(
                    "rooftop.yaml:1: title: is missing (expected: 1 to 120 characters)");
            assertThat(failure("id: a\ntitle: t\n")).isEqualTo(
                    "rooftop.yaml:1: performer: is missing (expected: a mapping with key)");
            assertThat(failure("id: a\ntitle: t\nperformer:\n  name: Ana\n")).contains("performer.name: unknown key");
            assertThat(failure("id: a\ntitle: t\nperformer:\n")).isEqualTo(
                    "rooftop.yaml:3: performer.key: is missing (expected: a secret of at least 16 characters, or ${ENV_VAR})");
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    bind: 127.0.0.1\n")).isEqualTo(
                    "rooftop.yaml:7: ingest.rtp.port: is missing (expected: an integer 1024..65535)");
        }
    }

    @Nested
    class Values {
        @Test
        void id() {
            assertThat(failure(HEAD.replace("rooftop-3", "Rooftop_3"))).isEqualTo(
                    "rooftop.yaml:1: id: 'Rooftop_3' is not valid (expected: 1 to 40 characters of a-z, 0-9 and '-')");
            assertThat(failure(HEAD.replace("rooftop-3", "a".repeat(41)))).contains("id: 'aaaa").contains("has 41 characters");
            assertThat(failure(HEAD.replace("rooftop-3", "\"\""))).contains("id: '' has 0 characters");
            assertThat(failure(HEAD.replace("rooftop-3", ""))).isEqualTo(
                    "rooftop.yaml:1: id: has no value (expected: 1 to 40 characters of a-z, 0-9 and '-')");
        }

        @Test
        void title() {
            assertThat(failure(HEAD.replace("\"Rooftop Acoustic #3\"", "\"" + "x".repeat(121) + "\"")))
                    .contains("rooftop.yaml:2: title: '" + "x".repeat(40) + "…' has 121 characters (expected: 1 to 120 characters)");
            assertThat(failure(HEAD.replace("\"Rooftop Acoustic #3\"", "[a, b]"))).isEqualTo(
                    "rooftop.yaml:2: title: is a list (expected: 1 to 120 characters)");
            assertThat(failure(HEAD.replace("\"Rooftop Acoustic #3\"", "{a: b}"))).isEqualTo(
                    "rooftop.yaml:2: title: is a mapping (expected: 1 to 120 characters)");
        }

        @Test
        void performerKeyTooShortShowsNoValue() {
            assertThat(failure(HEAD.replace(KEY, "short-key"))).isEqualTo(
                    "rooftop.yaml:4: performer.key: is too short (expected: a secret of at least 16 characters, or ${ENV_VAR})")
                    .doesNotContain("short-key");
        }

        @Test
        void performerKeyOfWrongTypeShowsNoValue() {
            assertThat(failure(HEAD.replace("\"" + KEY + "\"", "[\"" + KEY + "\"]"))).isEqualTo(
                    "rooftop.yaml:4: performer.key: is a list (expected: a secret of at least 16 characters, or ${ENV_VAR})");
        }

        @Test
        void performerKeyFromUnsetVariable() {
            assertThat(failure(HEAD.replace("\"" + KEY + "\"", "${ENCORE_NOT_SET}"))).isEqualTo(
                    "rooftop.yaml:4: performer.key: environment variable ENCORE_NOT_SET is not set"
                            + " (expected: a secret of at least 16 characters, or ${ENV_VAR})");
        }

        @Test
        void performerKeyFromVariableStillChecked() {
            assertThat(failure(HEAD.replace("\"" + KEY + "\"", "${SHORT}")))
                    .contains("performer.key: is too short").doesNotContain("tiny");
        }

        @Test
        void malformedVariableReference() {
            assertThat(failure(HEAD.replace("\"" + KEY + "\"", "${ROOFTOP_KEY:-fallback-value-1234}"))).isEqualTo(
                    "rooftop.yaml:4: performer.key: is not a valid environment reference"
                            + " (expected: ${NAME} with NAME of letters, digits, _)");
        }

        @Test
        void variablesOnlyForSecrets() {
            assertThat(failure(HEAD.replace("rooftop-3", "${ROOFTOP_KEY}"))).isEqualTo(
                    "rooftop.yaml:1: id: takes no ${...} environment reference (only secrets do)"
                            + " (expected: 1 to 40 characters of a-z, 0-9 and '-')");
        }

        @Test
        void accessMode() {
            assertThat(failure(HEAD + "access:\n  mode: public\n")).isEqualTo(
                    "rooftop.yaml:6: access.mode: 'public' is not a known value (expected: open or token)");
            assertThat(failure(HEAD + "access: open\n")).isEqualTo(
                    "rooftop.yaml:5: access: is a scalar 'open' (expected: a mapping with mode, capacity, vipSeats)");
        }

        @Test
        void capacity() {
            assertThat(failure(HEAD + "access:\n  capacity: 0\n")).isEqualTo(
                    "rooftop.yaml:6: access.capacity: 0 is out of range (expected: an integer 1..1000000)");
            assertThat(failure(HEAD + "access:\n  capacity: many\n")).isEqualTo(
                    "rooftop.yaml:6: access.capacity: 'many' is not an integer (expected: an integer 1..1000000)");
            assertThat(failure(HEAD + "access:\n  capacity: 1000001\n")).contains("1000001 is out of range");
            assertThat(failure(HEAD + "access:\n  capacity: 2.5\n")).contains("'2.5' is not an integer");
            assertThat(failure(HEAD + "access:\n  capacity:\n")).isEqualTo(
                    "rooftop.yaml:6: access.capacity: has no value (expected: an integer 1..1000000)");
        }

        @Test
        void vipSeats() {
            assertThat(failure(HEAD + "access:\n  capacity: 10\n  vipSeats: -1\n")).isEqualTo(
                    "rooftop.yaml:7: access.vipSeats: -1 is out of range (expected: an integer 0..1000000)");
            assertThat(failure(HEAD + "access:\n  capacity: 10\n  vipSeats: 11\n")).isEqualTo(
                    "rooftop.yaml:7: access.vipSeats: 11 is more than access.capacity, 10 (expected: 0..10)");
            assertThat(failure(HEAD + "access:\n  mode: token\n  vipSeats: 2\n")).isEqualTo(
                    "rooftop.yaml:7: access.vipSeats: is given without access.capacity (expected: access.capacity too, the"
                            + " number of listeners at once of which vipSeats are kept for VIPs)");
        }

        @Test
        void bitrate() {
            assertThat(failure(HEAD + "audio:\n  bitrate: loud\n")).isEqualTo(
                    "rooftop.yaml:6: audio.bitrate: 'loud' is not an integer (expected: an integer 6000..510000)");
            assertThat(failure(HEAD + "audio:\n  bitrate: 5999\n")).isEqualTo(
                    "rooftop.yaml:6: audio.bitrate: 5999 is out of range (expected: an integer 6000..510000)");
            assertThat(failure(HEAD + "audio:\n  bitrate: 510001\n")).contains("510001 is out of range");
            assertThat(failure(HEAD + "audio:\n  bitrate: 96000.5\n")).contains("'96000.5' is not an integer");
            assertThat(failure(HEAD + "audio:\n  bitrate: 99999999999999999999999\n")).contains("is not an integer");
            assertThat(failure(HEAD + "audio:\n  bitrate: -96000\n")).contains("-96000 is out of range");
        }

        @Test
        void stereo() {
            assertThat(failure(HEAD + "audio:\n  stereo: yes\n")).isEqualTo(
                    "rooftop.yaml:6: audio.stereo: 'yes' is not a boolean (expected: true or false)");
            assertThat(failure(HEAD + "audio:\n  stereo: \"true\"\n")).contains("'true' is not a boolean");
        }

        @Test
        void port() {
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 80\n    bind: 127.0.0.1\n")).isEqualTo(
                    "rooftop.yaml:7: ingest.rtp.port: 80 is out of range (expected: an integer 1024..65535)");
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 65536\n    bind: 127.0.0.1\n")).contains("65536 is out of range");
        }

        @Test
        void bindMustBeAnIpLiteral() {
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n    bind: localhost\n")).isEqualTo(
                    "rooftop.yaml:8: ingest.rtp.bind: 'localhost' is not an IP address literal"
                            + " (expected: an IPv4 or IPv6 address literal such as 0.0.0.0 or 127.0.0.1)");
        }

        @Test
        void plainRtpMustBeOnLoopback() {
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n    bind: 0.0.0.0\n")).isEqualTo(
                    "rooftop.yaml:8: ingest.rtp.bind: plain RTP without srtpKey may not listen on 0.0.0.0"
                            + " (expected: a loopback address such as 127.0.0.1, or an srtpKey)");
        }

        @Test
        void plainRtpOnDefaultBindPointsAtRtp() {
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n")).isEqualTo(
                    "rooftop.yaml:7: ingest.rtp.bind: plain RTP without srtpKey may not listen on 0.0.0.0"
                            + " (expected: a loopback address such as 127.0.0.1, or an srtpKey)");
        }

        @Test
        void srtpKeyNotBase64() {
            String bad = SRTP_KEY.substring(0, 39) + "!";

            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n    srtpKey: \"" + bad + "\"\n")).isEqualTo(
                    "rooftop.yaml:8: ingest.rtp.srtpKey: is not base64 (expected: base64 of the 30-byte"
                            + " AES_CM_128_HMAC_SHA1_80 master key||salt, or ${ENV_VAR})")
                    .doesNotContain(bad).doesNotContain("!");
        }

        @Test
        void srtpKeyWrongLength() {
            String shortKey = SRTP_KEY.substring(0, 36); // 27 bytes

            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n    srtpKey: " + shortKey + "\n"))
                    .startsWith("rooftop.yaml:8: ingest.rtp.srtpKey: decodes to 27 bytes (expected: base64 of the 30-byte")
                    .doesNotContain(shortKey);
        }

        @Test
        void srtpKeyFromEnvironment() throws Exception {
            ShowConfig show = ShowFiles.parse("rooftop.yaml", HEAD + "ingest:\n  rtp:\n    port: 5004\n    srtpKey: ${RIG_KEY}\n",
                    Map.of("RIG_KEY", SRTP_KEY));

            assertThat(show.rtpIngest().srtpKey().reveal()).isEqualTo(SRTP_KEY);
            assertThat(failure(HEAD + "ingest:\n  rtp:\n    port: 5004\n    srtpKey: ${RIG_KEY}\n"))
                    .contains("ingest.rtp.srtpKey: environment variable RIG_KEY is not set");
        }
    }
    @Nested
    class SetList {
        @Test
        void songsInOrder() throws Exception {
            ShowConfig show = parse(HEAD + """
                    setlist:
                      - title: Opening
                      - title: "Harbour Lights"
                      - {title: "<b>x</b> & 'quotes'"}
                      - title: 1984
                    """);
            assertThat(show.setList()).containsExactly(new PlannedSong("Opening"), new PlannedSong("Harbour Lights"),
                    new PlannedSong("<b>x</b> & 'quotes'"), new PlannedSong("1984"));
            assertThat(show.songTitles()).containsExactly("Opening", "Harbour Lights", "<b>x</b> & 'quotes'", "1984");
        }

        @Test
        void flowStyleAsInTheDocs() throws Exception {
            ShowConfig show = parse(HEAD + "setlist: [{title: \"Opening\"}, {title: \"Harbour Lights\"}]\n");
            assertThat(show.songTitles()).containsExactly("Opening", "Harbour Lights");
        }

        @Test
        void absentOrEmptyIsNoSongs() throws Exception {
            assertThat(parse(HEAD).setList()).isEmpty();
            assertThat(parse(HEAD + "setlist:\n").setList()).isEmpty();
            assertThat(parse(HEAD + "setlist: []\n").setList()).isEmpty();
        }

        @Test
        void oldConstructorsHaveNoSongs() {
            ShowConfig show = new ShowConfig(null, "a", "A", Secret.of(KEY), AccessMode.OPEN, null, null);
            assertThat(show.setList()).isEmpty();
            assertThat(show.withSetList(java.util.List.of(new PlannedSong("x"))).songTitles()).containsExactly("x");
            assertThat(new ShowConfig(null, "a", "A", Secret.of(KEY), AccessMode.OPEN, null, null, null, null).setList())
                    .isEmpty();
        }

        @Test
        void titleLengthsCountCharacters() throws Exception {
            String eighty = "é".repeat(79) + "🎸";
            assertThat(parse(HEAD + "setlist:\n  - title: \"" + eighty + "\"\n").songTitles()).containsExactly(eighty);
            assertThat(failure(HEAD + "setlist:\n  - title: \"" + "a".repeat(81) + "\"\n")).isEqualTo(
                    "rooftop.yaml:6: setlist[0].title: '" + "a".repeat(40) + "…' has 81 characters"
                            + " (expected: 1 to 80 characters, not all spaces, without control characters)");
            assertThat(failure(HEAD + "setlist:\n  - title: \"\"\n")).contains("setlist[0].title: '' has 0 characters");
        }

        @Test
        void titlesThatWouldNotShowAsTypedAreRefused() {
            assertThat(failure(HEAD + "setlist:\n  - title: Ok\n  - title: \"   \"\n")).isEqualTo(
                    "rooftop.yaml:7: setlist[1].title: '   ' is not valid"
                            + " (expected: 1 to 80 characters, not all spaces, without control characters)");
            assertThat(failure(HEAD + "setlist:\n  - title: \"a\\tb\"\n")).contains("setlist[0].title:", "is not valid");
            assertThat(failure(HEAD + "setlist:\n  - title: \"a\\u202Eb\"\n")).contains("is not valid");
            assertThat(failure(HEAD + "setlist:\n  - title: \"a\\nb\"\n")).contains("is not valid");
        }

        @Test
        void eachSongIsAMappingWithATitle() {
            assertThat(failure(HEAD + "setlist: [Intro]\n")).isEqualTo(
                    "rooftop.yaml:5: setlist[0]: is a scalar 'Intro' (expected: a mapping with title, cues)");
            assertThat(failure(HEAD + "setlist:\n  - {}\n")).isEqualTo(
                    "rooftop.yaml:6: setlist[0].title: is missing (expected: 1 to 80 characters, not all spaces,"
                            + " without control characters)");
            assertThat(failure(HEAD + "setlist:\n  - title: [a]\n")).contains("setlist[0].title: is a list");
            assertThat(failure(HEAD + "setlist:\n  - title:\n")).contains("setlist[0].title: has no value");
        }

        @Test
        void unknownKeysOfASongAreRefused() {
            assertThat(failure(HEAD + "setlist:\n  - title: Intro\n    cue: []\n")).isEqualTo(
                    "rooftop.yaml:7: setlist[0].cue: unknown key, did you mean 'cues'? (expected: one of title, cues)");
            assertThat(failure(HEAD + "setlist:\n  - titel: Intro\n")).isEqualTo(
                    "rooftop.yaml:6: setlist[0].titel: unknown key, did you mean 'title'? (expected: one of title, cues)");
        }

        @Test
        void setListMustBeAList() {
            assertThat(failure(HEAD + "setlist: Intro\n")).isEqualTo("rooftop.yaml:5: setlist: is a scalar 'Intro'"
                    + " (expected: a list of at most 100 songs, each a mapping with title, cues)");
            assertThat(failure(HEAD + "setlist: {title: Intro}\n")).contains("setlist: is a mapping");
        }

        @Test
        void atMostAHundredSongs() throws Exception {
            StringBuilder yaml = new StringBuilder(HEAD + "setlist:\n");
            for (int i = 1; i <= 100; i++) {
                yaml.append("  - title: Song ").append(i).append('\n');
            }
            assertThat(parse(yaml.toString()).setList()).hasSize(100).last().isEqualTo(new PlannedSong("Song 100"));
            yaml.append("  - title: One too many\n");
            assertThat(failure(yaml.toString())).isEqualTo(
                    "rooftop.yaml:6: setlist: has 101 songs (expected: at most 100)");
        }
    }
}
