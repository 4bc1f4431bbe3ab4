package dev.encore.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Strict parsing: every kind of wrong message gives a code and a reason, never another exception. */
class WireTest {

    private static ProtocolException refused(String json) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> Wire.parse(json));
        assertThat(e).as("refused: %s", json).isNotNull();
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"vote\",\"v\":1,                                | malformed_json",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":1,\"pollId\":2,\"option\":0} | malformed_json",
        "{\"type\":\"react\",\"v\":1,\"reaction\":\"fire\"} {}        | malformed_json",
        "[1,2]                                                     | bad_message",
        "\"hello\"                                                 | bad_message",
        "{\"v\":1}                                                 | bad_message",
        "{\"type\":7,\"v\":1}                                      | bad_message",
        "{\"type\":\"dance\",\"v\":1}                              | unknown_type",
        "{\"type\":\"Hello\",\"v\":1}                              | unknown_type",
        "{\"type\":\"hello\"}                                      | bad_message",
        "{\"type\":\"hello\",\"v\":\"1\"}                          | bad_message",
        "{\"type\":\"hello\",\"v\":2}                              | unsupported_version",
        "{\"type\":\"hello\",\"v\":99999999999999}                 | unsupported_version",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":\"1\",\"option\":0}     | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":1.0,\"option\":0}       | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":1.5,\"option\":0}       | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":true,\"option\":0}      | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":null,\"option\":0}      | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"option\":0}                      | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":1,\"option\":0,\"x\":1} | bad_message",
        "{\"type\":\"vote\",\"v\":1,\"pollId\":99999999999,\"option\":0} | bad_message",
        "{\"type\":\"request\",\"v\":1,\"title\":42}                   | bad_message",
        "{\"type\":\"request\",\"v\":1,\"title\":[\"a\"]}              | bad_message",
        "{\"type\":\"request\",\"v\":1,\"title\":{\"a\":1}}            | bad_message",
        "{\"type\":\"request\",\"v\":1}                                | bad_message",
        "{\"type\":\"poll.open\",\"v\":1,\"question\":\"q\",\"options\":\"a\"} | bad_message",
        "{\"type\":\"poll.open\",\"v\":1,\"question\":\"q\",\"options\":[1,2]} | bad_message",
        "{\"type\":\"poll.open\",\"v\":1,\"question\":\"q\",\"options\":[\"a\",\"b\"],\"timeLimitSeconds\":\"60\"} | bad_message",
        "{\"type\":\"set.next\",\"v\":1,\"index\":1}                   | bad_message",
        "{\"type\":\"set.next\",\"v\":1,\"id\":7}                      | bad_message",
        "{\"type\":\"set.next\",\"v\":1,\"id\":\"\"}                   | bad_message",
    })
    void refusesWithACode(String json, String code) {
        ProtocolException e = refused(json);

        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).contains("(expected: ");
    }

    @Test
    void echoesTheIdOfARefusedMessageWhenItCouldBeRead() {
        assertThat(refused("{\"type\":\"vote\",\"v\":1,\"id\":\"c9\",\"pollId\":\"x\",\"option\":0}").id()).isEqualTo("c9");
        assertThat(refused("{\"type\":\"dance\",\"v\":1,\"id\":\"c10\"}").id()).isEqualTo("c10");
    }

    @Test
    void namesTheWrongFieldAndWhatWasExpected() {
        assertThat(refused("{\"type\":\"request\",\"v\":1}").getMessage())
                .isEqualTo("request: field 'title' is missing (expected: a string)");
        assertThat(refused("{\"type\":\"upvote\",\"v\":1,\"requestId\":1,\"votes\":3}").getMessage())
                .isEqualTo("upvote: unknown field 'votes' (expected: requestId)");
        assertThat(refused("{\"type\":\"request\",\"v\":1,\"title\":7}").getMessage())
                .isEqualTo("request: field 'title' has the wrong type (expected: a string)");
    }

    @Test
    void refusesMessagesOver4KiBBeforeParsing() {
        String big = "{\"type\":\"request\",\"v\":1,\"title\":\"" + "é".repeat(2100) + "\"}";

        ProtocolException e = refused(big);

        assertThat(e.code()).isEqualTo("too_large");
        assertThat(e.getMessage()).isEqualTo("message of " + Wire.utf8Length(big) + " bytes (expected: at most 4096)");
    }

    @Test
    void quotesHostileInputOnlyCutShort() {
        String type = "x".repeat(3000);

        ProtocolException e = refused("{\"type\":\"" + type + "\",\"v\":1}");

        assertThat(e.code()).isEqualTo("unknown_type");
        assertThat(e.getMessage()).hasSizeLessThan(400).doesNotContain("x".repeat(30));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "{\"type\":\"request\",\"v\":1,\"title\":" + "[".repeat(50) + "]".repeat(50) + "}";

        assertThat(refused(deep).code()).isIn("malformed_json", "bad_message");
    }

    @Test
    void anExplicitNullOptionalFieldIsTheSameAsAbsent() throws Exception {
        assertThat(Wire.parse("{\"type\":\"poll.open\",\"v\":1,\"question\":\"q\",\"options\":[\"a\",\"b\"],"
                + "\"timeLimitSeconds\":null}").message())
                .isEqualTo(new ClientMessage.PollOpen("q", java.util.List.of("a", "b"), null));
    }

    @Test
    void helloNeverPrintsItsCredentials() {
        assertThat(new ClientMessage.Hello("v1.secret-token", "l-x", "hunter2").toString())
                .doesNotContain("secret-token").doesNotContain("hunter2").contains("l-x");
    }

    @Test
    void countsUtf8Bytes() {
        assertThat(Wire.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }
}
