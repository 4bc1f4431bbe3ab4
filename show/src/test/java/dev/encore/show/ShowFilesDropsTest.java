package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The issue 5 sections of a show file: {@code publicUrl}, {@code telegram}, {@code drops} and the songs' {@code cues}. */
class ShowFilesDropsTest {
    private static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private static final Map<String, String> ENV = Map.of("TELEGRAM_BOT_TOKEN", TOKEN, "BAD_TOKEN", "not a token at all");
    private static final String HEAD = """
            id: rooftop-3
            title: "Rooftop Acoustic #3"
            performer:
              key: "correct horse battery staple"
            """;
    /** The example of issue 5. */
    private static final String EXAMPLE = HEAD + """
            telegram:
              botToken: ${TELEGRAM_BOT_TOKEN}
              chatId: -1001234567890
              messageThreadId: 7
              staffChatId: -1009876543210
            publicUrl: https://live.example.org
            setlist:
              - title: "Opening"
              - title: "Harbour Lights"
                cues: [ { drop: vinyl } ]
              - title: "Encore"
            drops:
              vinyl:
                text: "Signed vinyl, tonight only"
                url: "https://shop.example.org/vinyl"
                quantity: 50
                window: 10m
              vip:
                text: "VIP bundle: backstage Q&A + lossless recording"
                url: "https://shop.example.org/vip"
                at: 15m
            """;

    private static ShowConfig parse(String yaml) throws ShowFileException {
        return ShowFiles.parse("rooftop.yaml", yaml, ENV);
    }

    private static String failure(String yaml) {
        ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> parse(yaml));
        assertThat(e).as("expected a ShowFileException for:%n%s", yaml).isNotNull();
        assertThat(e.getMessage()).startsWith("rooftop.yaml").doesNotContain(TOKEN).doesNotContain("AAHdqTcv")
                .doesNotContain("not a token at all");
        return e.getMessage();
    }

    /** The example with {@code from} replaced by {@code to} (which must occur). */
    private static String example(String from, String to) {
        assertThat(EXAMPLE).contains(from);
        return EXAMPLE.replace(from, to);
    }

    @Nested
    class Valid {
        @Test
        void theIssueExample() throws Exception {
            ShowConfig show = parse(EXAMPLE);

            assertThat(show.publicUrl()).isEqualTo(URI.create("https://live.example.org"));
            TelegramSettings telegram = show.telegram();
            assertThat(telegram.botToken().reveal()).isEqualTo(TOKEN);
            assertThat(telegram.dryRun()).isFalse();
            assertThat(telegram.chatId()).isEqualTo(-1001234567890L);
            assertThat(telegram.messageThreadId()).isEqualTo(7);
            assertThat(telegram.staffChatId()).isEqualTo(-1009876543210L);
            assertThat(telegram.apiUrl()).isEqualTo(TelegramSettings.DEFAULT_API_URL);
            assertThat(show.drops()).containsOnlyKeys("vinyl", "vip");
            assertThat(List.copyOf(show.drops().keySet())).containsExactly("vinyl", "vip");
            assertThat(show.drops().get("vinyl")).isEqualTo(new Drop("vinyl", "Signed vinyl, tonight only",
                    URI.create("https://shop.example.org/vinyl"), 50, Duration.ofMinutes(10), null));
            assertThat(show.drops().get("vip")).isEqualTo(new Drop("vip", "VIP bundle: backstage Q&A + lossless recording",
                    URI.create("https://shop.example.org/vip"), null, null, Duration.ofMinutes(15)));
            assertThat(show.setList()).containsExactly(new PlannedSong("Opening"),
                    new PlannedSong("Harbour Lights", List.of("vinyl")), new PlannedSong("Encore"));
        }

        @Test
        void theTokenNeverShowsInToString() throws Exception {
            ShowConfig show = parse(EXAMPLE);

            assertThat(show.toString()).doesNotContain(TOKEN).doesNotContain("AAHdqTcv").contains("****");
            assertThat(show.telegram().toString()).doesNotContain(TOKEN).contains("botToken=****");
        }

        @Test
        void noTokenIsDryRunAndTheApiUrlCanBeSet() throws Exception {
            ShowConfig show = parse(example("  botToken: ${TELEGRAM_BOT_TOKEN}\n", "  apiUrl: http://127.0.0.1:8081/\n"));

            assertThat(show.telegram().botToken()).isNull();
            assertThat(show.telegram().dryRun()).isTrue();
            assertThat(show.telegram().apiUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
            assertThat(show.telegram().messageThreadId()).isEqualTo(7);
        }

        @Test
        void aTokenInTheFileIsAccepted() throws Exception {
            ShowConfig show = parse(example("${TELEGRAM_BOT_TOKEN}", "\"42:abc_DEF-9\""));

            assertThat(show.telegram().botToken().reveal()).isEqualTo("42:abc_DEF-9");
        }

        @Test
        void onlyChatIdIsRequired() throws Exception {
            ShowConfig show = parse(HEAD + "publicUrl: http://localhost:8080/\ntelegram: {chatId: 123}\n");

            assertThat(show.telegram()).isEqualTo(new TelegramSettings(null, 123, null, null,
                    TelegramSettings.DEFAULT_API_URL));
            assertThat(show.publicUrl()).isEqualTo(URI.create("http://localhost:8080"));
        }

        @Test
        void withoutTheSectionsThereIsNoBotAndNoDrop() throws Exception {
            ShowConfig show = parse(HEAD + "setlist: [{title: Intro}]\n");

            assertThat(show.telegram()).isNull();
            assertThat(show.publicUrl()).isNull();
            assertThat(show.drops()).isEmpty();
            assertThat(show.setList().get(0).cueDrops()).isEmpty();
            assertThat(parse(HEAD + "drops:\n").drops()).isEmpty();
            assertThat(parse(HEAD + "drops: {}\n").drops()).isEmpty();
        }

        @Test
        void dropsWithoutTelegramAndPublicUrlArePageOnly() throws Exception {
            ShowConfig show = parse(HEAD + "drops:\n  tee:\n    text: Tour tee\n    url: http://shop.example.org/tee?size=m\n"
                    + "    at: 0s\n");

            assertThat(show.drops().get("tee")).isEqualTo(new Drop("tee", "Tour tee",
                    URI.create("http://shop.example.org/tee?size=m"), null, null, Duration.ZERO));
            assertThat(show.drops().get("tee").path("rooftop-3")).isEqualTo("/go/rooftop-3/tee");
        }

        @Test
        void durationsAndBounds() throws Exception {
            assertThat(parse(example("window: 10m", "window: 90s")).drops().get("vinyl").window()).hasSeconds(90);
            assertThat(parse(example("window: 10m", "window: 1h")).drops().get("vinyl").window()).hasHours(1);
            assertThat(parse(example("window: 10m", "window: 1s")).drops().get("vinyl").window()).hasSeconds(1);
            assertThat(parse(example("window: 10m", "window: 24h")).drops().get("vinyl").window()).hasHours(24);
            assertThat(parse(example("quantity: 50", "quantity: 1")).drops().get("vinyl").quantity()).isEqualTo(1);
            assertThat(parse(example("at: 15m", "at: 1d")).drops().get("vip").at()).hasDays(1);
            assertThat(parse(example("\"Signed vinyl, tonight only\"", "\"" + "é".repeat(200) + "\""))
                    .drops().get("vinyl").text()).hasSize(200);
            assertThat(parse(example("  vinyl:\n", "  " + "a".repeat(40) + ":\n")
                    .replace("drop: vinyl", "drop: " + "a".repeat(40))).drops()).containsKey("a".repeat(40));
        }

        @Test
        void aDropMayBeCuedBySeveralSongsAndHaveAnAtToo() throws Exception {
            ShowConfig show = parse(example("  - title: \"Encore\"\n", "  - title: \"Encore\"\n    cues: [{drop: vinyl},"
                    + " {drop: vip}]\n"));

            assertThat(show.setList().get(2).cueDrops()).containsExactly("vinyl", "vip");
            assertThat(show.setList().get(1).cueDrops()).containsExactly("vinyl");
        }
    }

    @Nested
    class Invalid {
        @Test
        void aCueMustNameADrop() {
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [ { drop: vinyl }, { drop: vynil } ]")))
                    .isEqualTo("rooftop.yaml:14: setlist[1].cues[1].drop: 'vynil' is not a drop"
                            + " (expected: one of vinyl, vip)");
            assertThat(failure(HEAD + "setlist:\n  - title: Intro\n    cues: [{drop: vinyl}]\n")).isEqualTo(
                    "rooftop.yaml:7: setlist[0].cues[0].drop: 'vinyl' is not a drop"
                            + " (expected: the id of a drop under drops:, and there is none)");
        }

        @Test
        void cueShape() {
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [ vinyl ]"))).isEqualTo(
                    "rooftop.yaml:14: setlist[1].cues[0]: is a scalar 'vinyl' (expected: a mapping with drop)");
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: vinyl"))).contains(
                    "setlist[1].cues: is a scalar 'vinyl' (expected: a list of at most 10 cues");
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [ { drop: vinyl, at: 1m } ]"))).contains(
                    "setlist[1].cues[0].at: unknown key (expected: one of drop)");
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [ { drop: Vinyl } ]"))).contains(
                    "setlist[1].cues[0].drop: 'Vinyl' is not valid (expected: the id of a drop under drops:)");
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [ { drop: vinyl }, { drop: vinyl } ]")))
                    .isEqualTo("rooftop.yaml:14: setlist[1].cues[1].drop: 'vinyl' is cued twice for this song"
                            + " (expected: each drop once per song)");
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: [" + "{drop: vinyl},".repeat(11) + "]")))
                    .contains("setlist[1].cues: has 11 cues (expected: at most 10)");
        }

        @Test
        void dropIds() {
            assertThat(failure(example("  vinyl:\n", "  Vinyl:\n"))).isEqualTo(
                    "rooftop.yaml:17: drops: 'Vinyl' is not a valid id (expected: 1 to 40 characters of a-z, 0-9 and '-')");
            assertThat(failure(example("  vinyl:\n", "  vinyl/1:\n"))).contains("drops: 'vinyl/1' is not a valid id");
            assertThat(failure(example("  vinyl:\n", "  " + "a".repeat(41) + ":\n"))).contains("is not a valid id");
            assertThat(failure(example("  vip:\n", "  vinyl:\n"))).isEqualTo(
                    "rooftop.yaml:22: drops.vinyl: duplicate key (first at line 17) (expected: each key once)");
            assertThat(failure(HEAD + "drops: [vinyl]\n")).startsWith("rooftop.yaml:5: drops: is a list (expected: a mapping"
                    + " of at most 50 drops by id");
        }

        @Test
        void atMostFiftyDrops() throws Exception {
            StringBuilder yaml = new StringBuilder(HEAD + "drops:\n");
            for (int i = 1; i <= 50; i++) {
                yaml.append("  d").append(i).append(": {text: x, url: \"https://s.example/\", at: ").append(i).append("m}\n");
            }
            assertThat(parse(yaml.toString()).drops()).hasSize(50);
            yaml.append("  d51: {text: x, url: \"https://s.example/\", at: 1m}\n");
            assertThat(failure(yaml.toString())).isEqualTo("rooftop.yaml:6: drops: has 51 drops (expected: at most 50)");
        }

        @Test
        void dropFields() {
            assertThat(failure(example("    url: \"https://shop.example.org/vinyl\"\n", ""))).isEqualTo(
                    "rooftop.yaml:18: drops.vinyl.url: is missing (expected: an absolute http:// or https:// URL,"
                            + " e.g. https://shop.example.org/vinyl)");
            assertThat(failure(example("    text: \"Signed vinyl, tonight only\"\n", ""))).contains(
                    "drops.vinyl.text: is missing");
            assertThat(failure(example("\"Signed vinyl, tonight only\"", "\"" + "a".repeat(201) + "\""))).contains(
                    "drops.vinyl.text: '" + "a".repeat(40) + "…' has 201 characters (expected: 1 to 200 characters");
            assertThat(failure(example("\"Signed vinyl, tonight only\"", "\"a\\nb\""))).contains(
                    "drops.vinyl.text: 'a?b' is not valid");
            assertThat(failure(example("\"Signed vinyl, tonight only\"", "\"  \""))).contains("is not valid");
            assertThat(failure(example("quantity: 50", "quantity: 0"))).isEqualTo(
                    "rooftop.yaml:20: drops.vinyl.quantity: 0 is out of range (expected: an integer 1..1000000)");
            assertThat(failure(example("quantity: 50", "quantity: lots"))).contains("'lots' is not an integer");
            assertThat(failure(example("    window: 10m\n", "    windw: 10m\n"))).contains(
                    "drops.vinyl.windw: unknown key, did you mean 'window'? (expected: one of text, url, quantity, window, at)");
            assertThat(failure(example("  vinyl:\n", "  vinyl: yes\n  x:\n"))).contains(
                    "drops.vinyl: is a scalar 'yes' (expected: a mapping with text, url, quantity, window, at)");
        }

        @Test
        void durations() {
            assertThat(failure(example("window: 10m", "window: 10 minutes"))).isEqualTo(
                    "rooftop.yaml:21: drops.vinyl.window: '10 minutes' is not a duration"
                            + " (expected: a duration from 1s to 1d such as 90s, 10m or 1h)");
            assertThat(failure(example("window: 10m", "window: 0s"))).contains(
                    "drops.vinyl.window: '0s' is out of range (expected: a duration from 1s to 1d");
            assertThat(failure(example("window: 10m", "window: 25h"))).contains("'25h' is out of range");
            assertThat(failure(example("window: 10m", "window: -5m"))).contains("'-5m' is not a duration");
            assertThat(failure(example("window: 10m", "window: 600"))).contains("'600' is not a duration");
            assertThat(failure(example("at: 15m", "at: 2d"))).contains(
                    "drops.vip.at: '2d' is out of range (expected: a duration from 0s to 1d");
        }

        @Test
        void aDropThatIsNeverPosted() {
            assertThat(failure(example("cues: [ { drop: vinyl } ]", "cues: []"))).isEqualTo(
                    "rooftop.yaml:18: drops.vinyl: is never posted: it has no at: and no song cues it"
                            + " (expected: at: an offset from the set start such as 15m, or a song with"
                            + " cues: [ { drop: vinyl } ])");
        }

        @Test
        void urls() {
            for (String url : new String[] {"ftp://shop.example.org/x", "shop.example.org/vinyl", "/vinyl",
                    "javascript:alert(1)", "https://", "https://exa mple.org/", "https://user:pw@shop.example.org/",
                    "https://shop.example.org/#x", "mailto:a@example.org", "https:///path"}) {
                assertThat(failure(example("\"https://shop.example.org/vinyl\"", "\"" + url + "\"")))
                        .as(url).contains("drops.vinyl.url: ").contains("(expected: an absolute http:// or https:// URL");
            }
            assertThat(failure(example("\"https://shop.example.org/vinyl\"", "\"ftp://x.example/\""))).isEqualTo(
                    "rooftop.yaml:19: drops.vinyl.url: 'ftp://x.example/' is not an http or https URL"
                            + " (expected: an absolute http:// or https:// URL, e.g. https://shop.example.org/vinyl)");
            assertThat(failure(example("\"https://shop.example.org/vinyl\"", "\"https://" + "a".repeat(2000) + "\"")))
                    .contains("has 2008 characters");
        }

        @Test
        void publicUrl() {
            assertThat(failure(example("publicUrl: https://live.example.org", "publicUrl: live.example.org"))).isEqualTo(
                    "rooftop.yaml:10: publicUrl: 'live.example.org' is not an http or https URL"
                            + " (expected: an absolute http:// or https:// URL without query, e.g. https://live.example.org)");
            assertThat(failure(example("publicUrl: https://live.example.org", "publicUrl: https://live.example.org/?a=1")))
                    .contains("publicUrl: 'https://live.example.org/?a=1' has a query");
            assertThat(failure(example("publicUrl: https://live.example.org\n", ""))).isEqualTo(
                    "rooftop.yaml:1: publicUrl: is missing while telegram: is set (expected: publicUrl: the http(s) URL"
                            + " listeners reach this server at, for the links the bot posts)");
        }

        @Test
        void telegramSection() {
            assertThat(failure(HEAD + "publicUrl: https://x.example\ntelegram:\n")).isEqualTo(
                    "rooftop.yaml:6: telegram.chatId: is missing (expected: an integer -9007199254740992..9007199254740992)");
            assertThat(failure(example("chatId: -1001234567890", "chatId: group"))).contains(
                    "telegram.chatId: 'group' is not an integer");
            assertThat(failure(example("chatId: -1001234567890", "chatId: 0"))).isEqualTo(
                    "rooftop.yaml:7: telegram.chatId: 0 is not a chat id (expected: the group's id, e.g. -1001234567890)");
            assertThat(failure(example("chatId: -1001234567890", "chatId: 99999999999999999"))).contains(
                    "telegram.chatId: 99999999999999999 is out of range");
            assertThat(failure(example("staffChatId: -1009876543210", "staffChatId: 0"))).contains(
                    "telegram.staffChatId: 0 is not a chat id");
            assertThat(failure(example("messageThreadId: 7", "messageThreadId: 0"))).contains(
                    "telegram.messageThreadId: 0 is out of range (expected: an integer 1..2147483647)");
            assertThat(failure(example("  chatId:", "  apiUrl: api.telegram.org\n  chatId:"))).contains(
                    "telegram.apiUrl: 'api.telegram.org' is not an http or https URL");
            assertThat(failure(example("  chatId:", "  botTokn: x\n  chatId:"))).contains(
                    "telegram.botTokn: unknown key, did you mean 'botToken'?"
                            + " (expected: one of botToken, chatId, messageThreadId, staffChatId, apiUrl)");
        }

        @Test
        void aBadTokenIsNeverShown() {
            assertThat(failure(example("${TELEGRAM_BOT_TOKEN}", "${BAD_TOKEN}"))).isEqualTo(
                    "rooftop.yaml:6: telegram.botToken: is not a bot token"
                            + " (expected: the bot's token from BotFather (digits, ':', letters), or ${ENV_VAR})");
            assertThat(failure(example("${TELEGRAM_BOT_TOKEN}", "\"123456789:AAH/../x\""))).contains(
                    "telegram.botToken: is not a bot token").doesNotContain("AAH");
            assertThat(failure(example("${TELEGRAM_BOT_TOKEN}", "${NOT_SET}"))).contains(
                    "telegram.botToken: environment variable NOT_SET is not set");
            assertThat(failure(example("${TELEGRAM_BOT_TOKEN}", "[" + TOKEN + "]"))).contains(
                    "telegram.botToken: is a list");
            assertThat(failure(example("${TELEGRAM_BOT_TOKEN}", "{t: \"" + TOKEN + "\"}"))).isEqualTo(
                    "rooftop.yaml:6: telegram.botToken: is a mapping"
                            + " (expected: the bot's token from BotFather (digits, ':', letters), or ${ENV_VAR})");
        }
    }
}
