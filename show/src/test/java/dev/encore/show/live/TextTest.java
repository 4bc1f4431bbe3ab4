package dev.encore.show.live;

import static dev.encore.show.live.Shows.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    private static String title(String raw) {
        return Text.clean(raw, "title", 80, Refusal.TITLE_INVALID);
    }

    private static String key(String raw) {
        return Text.key(title(raw));
    }

    @Test
    void keyIgnoresCaseAccentsPunctuationSpacingAndALeadingThe() {
        assertThat(key("Wonderwall")).isEqualTo("wonderwall")
                .isEqualTo(key("  wonderwall!! "))
                .isEqualTo(key("WONDERWALL"))
                .isEqualTo(key("Wönderwall"))
                .isEqualTo(key("wonder wall"))
                .isEqualTo(key("The Wonderwall"))
                .isEqualTo(key("\"the\"  wonder-wall?"));
        assertThat(key("Café del Mar")).isEqualTo(key("CAFE DEL MAR")).isEqualTo(key("cafe\u0301 del mar"));
        assertThat(key("Don't Look Back in Anger")).isEqualTo(key("Dont look back in anger"))
                .isEqualTo(key("Don\u2019t Look Back In Anger"));
        assertThat(key("Straße")).isEqualTo(key("STRASSE"));
        assertThat(key("Ｗｏｎｄｅｒｗａｌｌ")).isEqualTo("wonderwall"); // full-width, folded by NFKD
    }

    @Test
    void keyKeepsDifferentSongsApart() {
        assertThat(key("Yesterday")).isNotEqualTo(key("Yesterdays"));
        assertThat(key("Theater")).isEqualTo("theater"); // "the" only goes as a word
        assertThat(key("The The")).isEqualTo("the");
        assertThat(key("Кино")).isEqualTo("кино").isNotEqualTo(key("Кина"));
    }

    @Test
    void anEmojiOnlyTitleKeysOnItsText() {
        assertThat(key("🎸🎸")).isNotEmpty().isNotEqualTo(key("🎸")).isEqualTo(key(" 🎸🎸 "));
        assertThat(key("!!!")).isNotEmpty().isNotEqualTo(key("?"));
    }

    @Test
    void cleanTrimsCollapsesAndComposes() {
        assertThat(title("  Hey   Jude \u00A0")).isEqualTo("Hey Jude");
        assertThat(title("Cafe\u0301")).isEqualTo("Café").hasSize(4);
        assertThat(title("<b>Bold</b> & \"quoted\"")).isEqualTo("<b>Bold</b> & \"quoted\"");
    }

    @Test
    void lengthCountsCodePoints() {
        assertThat(title("🎸".repeat(80))).hasSize(160);
        refused(() -> title("🎸".repeat(81)), Refusal.TITLE_INVALID);
        assertThat(title("x".repeat(80))).hasSize(80);
        assertThat(refused(() -> title("x".repeat(81)), Refusal.TITLE_INVALID))
                .hasMessage("title: 81 characters (expected: 1..80 characters without control characters)");
        refused(() -> title("   "), Refusal.TITLE_INVALID);
        refused(() -> title(""), Refusal.TITLE_INVALID);
        refused(() -> title(null), Refusal.TITLE_INVALID);
    }

    @Test
    void controlAndBidiFormattingCharactersAreRefused() {
        for (String bad : new String[] {"a\nb", "a\tb", "a\u0000b", "a\u0085b", "a\u007Fb", "a\u202Eb", "a\u202Ab",
            "a\u2066b", "a\u2069b", "a\u200Fb", "a\u061Cb", "a\u2028b", "a\u2029b", "a\uFEFFb", "a\uD800b", "a\uDC00",
            "a\uFFFFb", "a\uFDD0b"}) {
            assertThat(refused(() -> title(bad), Refusal.TITLE_INVALID).getMessage()).as(bad).contains("U+");
        }
    }

    @Test
    void emojiSequencesStay() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // man ZWJ woman ZWJ girl
        String heart = "\u2764\uFE0F";
        String scotland = "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F";
        assertThat(title(family + " " + heart + " " + scotland)).isEqualTo(family + " " + heart + " " + scotland);
    }

    @Test
    void errorMessagesQuoteInputShortAndDefanged() {
        assertThat(Text.quote("x".repeat(10_000))).hasSize(24 + 5);
        assertThat(Text.quote("a\u202Eb\nc")).isEqualTo("'a?b?c'");
        assertThat(Text.quote(null)).isEqualTo("null");
        assertThat(refused(() -> Text.listenerId("<script>" + "x".repeat(10_000)), Refusal.LISTENER_INVALID).getMessage())
                .hasSizeLessThan(160);
    }

    @Test
    void listenerIds() {
        assertThat(Text.listenerId("tg:12345")).isEqualTo("tg:12345");
        assertThat(Text.listenerId("ws-a.b_c@d")).isEqualTo("ws-a.b_c@d");
        for (String bad : new String[] {null, "", "a b", "x".repeat(65), "é", "a\u0000", "a/b"}) {
            refused(() -> Text.listenerId(bad), Refusal.LISTENER_INVALID);
        }
    }
}
