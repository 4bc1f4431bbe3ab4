package dev.encore.show.live;

import java.text.Normalizer;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks and normalizes the text that listeners and the performer type: song titles, poll questions and options, listener
 * ids. Text is kept as typed (markup included: rendering escapes it), but trimmed, NFC-normalized, with runs of spaces
 * collapsed, and refused when it holds characters that would corrupt how other people see it: C0/C1 controls (including
 * newlines and tabs), lone surrogates, line/paragraph separators, bidirectional formatting (the RTL override trick) and
 * noncharacters. Zero-width joiners, variation selectors and tag characters stay: emoji sequences need them.
 *
 * <p>Lengths count code points after normalization, so an emoji counts as one character (a joined emoji family as several).
 */
final class Text {
    private static final Pattern LISTENER_ID = Pattern.compile("[A-Za-z0-9:_.@-]{1,64}");
    private static final int QUOTE_MAX = 24;

    private Text() {
    }

    /** Checks and cleans {@code raw}; refuses with {@code refusal} naming {@code what}. */
    static String clean(String raw, String what, int maxCodePoints, Refusal refusal) {
        String expected = " (expected: 1.." + maxCodePoints + " characters without control characters)";
        if (raw == null) {
            throw new ShowRuleException(refusal, what + ": missing" + expected);
        }
        String stripped = raw.strip();
        // A code point is at most two chars: anything longer cannot fit, and is refused before any normalization work.
        if (stripped.length() > 2 * maxCodePoints) {
            throw new ShowRuleException(refusal, what + ": " + stripped.length() + " characters" + expected);
        }
        for (int i = 0; i < stripped.length(); ) {
            int cp = stripped.codePointAt(i);
            if (forbidden(cp)) {
                throw new ShowRuleException(refusal, what + ": " + String.format(Locale.ROOT, "U+%04X", cp) + " at "
                        + i + expected);
            }
            i += Character.charCount(cp);
        }
        String normal = collapseSpaces(Normalizer.normalize(stripped, Normalizer.Form.NFC));
        int length = normal.codePointCount(0, normal.length());
        if (length == 0 || length > maxCodePoints) {
            throw new ShowRuleException(refusal, what + ": " + length + " characters" + expected);
        }
        return normal;
    }

    static boolean forbidden(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.SURROGATE:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return true;
            default:
                break;
        }
        return cp == 0x061C // ARABIC LETTER MARK
                || cp == 0x200E || cp == 0x200F // LRM, RLM
                || (cp >= 0x202A && cp <= 0x202E) // LRE, RLE, PDF, LRO, RLO
                || (cp >= 0x2066 && cp <= 0x2069) // LRI, RLI, FSI, PDI
                || cp == 0xFEFF // BOM / zero-width no-break space
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE; // noncharacters
    }

    private static String collapseSpaces(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = true;
                continue;
            }
            if (space && out.length() > 0) {
                out.append(' ');
            }
            space = false;
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /**
     * The key under which two spellings of one song meet: case, accents, punctuation, spacing and a leading "the" are
     * ignored, so "The Wonderwall!", "wonderwall" and "Wönderwall" share a key, as do "Don't Stop" and "Dont stop".
     * A title with no letters or digits (emoji only) keys on its case-folded text. Marks are removed from every script,
     * so in rare cases two titles that differ only by a diacritic merge (e.g. Japanese dakuten): a merge only adds votes.
     */
    static String key(String cleaned) {
        String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFKD);
        StringBuilder words = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isLetterOrDigit(cp)) {
                words.appendCodePoint(cp);
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.DASH_PUNCTUATION) {
                words.append(' ');
            }
            // Marks, other punctuation and symbols are dropped: "Don't" meets "Dont".
        }
        String folded = fold(words.toString()).strip();
        if (folded.startsWith("the ")) {
            folded = folded.substring(4);
        }
        String key = folded.replace(" ", "");
        return key.isEmpty() ? "~" + fold(cleaned).replace(" ", "") : key;
    }

    /** Full case folding for the cases that matter here (ß meets SS, i meets I) without locale surprises. */
    private static String fold(String s) {
        return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    static String listenerId(String id) {
        if (id == null || id.length() > 64 || !LISTENER_ID.matcher(id).matches()) {
            throw new ShowRuleException(Refusal.LISTENER_INVALID,
                    "listener: " + quote(id) + " (expected: 1..64 characters of A-Z a-z 0-9 : _ . @ -)");
        }
        return id;
    }

    static Instant time(Instant now) {
        if (now == null) {
            throw new ShowRuleException(Refusal.MISSING, "now: null (expected: the current time)");
        }
        return now;
    }

    static <T> T present(T value, String what) {
        if (value == null) {
            throw new ShowRuleException(Refusal.MISSING, what + ": null (expected: a value)");
        }
        return value;
    }

    /** User input for an error message: cut short, controls shown as '?', so a message never carries a payload. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        int n = 0;
        for (int i = 0; i < s.length() && n < QUOTE_MAX; n++) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            out.appendCodePoint(forbidden(cp) ? '?' : cp);
        }
        out.append(s.codePointCount(0, s.length()) > QUOTE_MAX ? "...'" : "'");
        return out.toString();
    }
}
