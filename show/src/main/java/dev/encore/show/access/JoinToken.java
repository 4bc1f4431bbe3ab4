package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A signed listener join token: who may listen to which show, in which tier, until when. Minted and verified by
 * {@link TokenAuthority}; this class holds a minted token's claims and defines the format.
 *
 * <h2>Text form (version 1)</h2>
 * <pre>
 *   v1.&lt;payload&gt;.&lt;tag&gt;
 *   e.g. v1.AQAJB8P_d95oPOmAB3Jvb2Z0b3AA.DvdTzpZzRyOdQ8zQ52FdrA  (rooftop, general, no subject)
 *        v1.AQEB19mE4LxoPOmAB3Jvb2Z0b3AMdGc6MTIzNDU2Nzg5.agPf1danaIXrJJoWMuRIaQ  (rooftop, vip, tg:123456789)
 * </pre>
 * One line of URL-safe characters ({@code A-Z a-z 0-9 - _ .}), no padding, so it fits in a query parameter, an
 * {@code Authorization: Bearer} header or a Telegram URL button as is. {@code payload} and {@code tag} are base64url
 * without padding (<a href="https://www.rfc-editor.org/rfc/rfc4648#section-5">RFC 4648 §5</a>), in canonical form only
 * (a string that decodes but does not re-encode to itself is refused). A token is 54 characters for a 7-character show
 * id without subject, and at most 184 characters (40-character show id, 64-character subject); anything over
 * {@value #MAX_CHARS} characters is refused before any other work.
 *
 * <h2>Payload (version 1), big-endian</h2>
 * <pre>
 *   offset size
 *   0      1    version: 1 (must match the text prefix v1)
 *   1      1    tier: 0 general, 1 vip
 *   2      6    id: random, names the token in logs (not secret: the tag is what makes a token a credential)
 *   8      4    expires at: unsigned epoch seconds (until 2106); the token is valid while now &lt; expires at
 *   12     1    S = length of the show id, 1..40
 *   13     S    show id, ASCII [a-z0-9-]
 *   13+S   1    U = length of the subject, 0..64 (0: no subject)
 *   14+S   U    subject, ASCII [A-Za-z0-9_.:@-] (e.g. tg:123456789)
 * </pre>
 * Nothing may follow. The payload is signed, not encrypted: anyone holding a token can read its claims.
 *
 * <h2>Tag</h2>
 * HMAC-SHA256 (<a href="https://www.rfc-editor.org/rfc/rfc2104">RFC 2104</a>) over the ASCII text
 * {@code v1.<payload>} (so the version prefix is signed too), truncated to its first {@value #TAG_BYTES} bytes
 * (<a href="https://www.rfc-editor.org/rfc/rfc2104#section-5">RFC 2104 §5</a>: at least half the hash, and 128 bits
 * here). The HMAC key is derived from the {@link ServerSecret} with the label {@code encore/join-token/v1}.
 *
 * <p>A token is a credential: log at most {@link #prefixOf a short prefix} or its {@link #id}, never the whole text.
 * {@link #toString} follows that rule. Immutable; safe to share between threads.
 */
public final class JoinToken {
    /** Longest text accepted by {@link TokenAuthority#verify}, refused up front. */
    public static final int MAX_CHARS = 1024;
    /** Characters kept by {@link #prefixOf}: the version and the first bytes of the payload (tier and part of the id). */
    public static final int PREFIX_CHARS = 12;

    static final String PREFIX = "v1";
    static final int VERSION = 1;
    static final int ID_BYTES = 6;
    static final int TAG_BYTES = 16;
    static final int MAX_SHOW_CHARS = 40;
    static final int MAX_SUBJECT_CHARS = 64;
    static final int FIXED_BYTES = 14;
    static final int MAX_PAYLOAD_BYTES = FIXED_BYTES + MAX_SHOW_CHARS + MAX_SUBJECT_CHARS;
    /** Largest expiry the payload can hold: 2106-02-07T06:28:15Z. */
    static final long MAX_EXPIRES_AT = 0xFFFF_FFFFL;

    static final Pattern SHOW_ID = Pattern.compile("[a-z0-9-]{1,40}");
    static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    private final String id;
    private final String show;
    private final Tier tier;
    private final Instant expiresAt;
    private final String subject;
    private final String text;

    private JoinToken(String id, String show, Tier tier, Instant expiresAt, String subject, String text) {
        this.id = id;
        this.show = show;
        this.tier = tier;
        this.expiresAt = expiresAt;
        this.subject = subject;
        this.text = text;
    }

    /** The token's random id, 8 base64url characters: safe to log, e.g. to trace which token a listener joined with. */
    public String id() {
        return id;
    }

    public String show() {
        return show;
    }

    public Tier tier() {
        return tier;
    }

    /** The first instant at which the token is no longer valid (whole seconds). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Who the token was minted for (e.g. {@code tg:123456789}), or null when it names no one. */
    public String subject() {
        return subject;
    }

    /** The token as text: the credential to hand to the listener (in a link or a Bearer header). Don't log it. */
    public String encoded() {
        return text;
    }

    /**
     * The first {@value #PREFIX_CHARS} characters of a presented token followed by {@code …}, for logs and messages;
     * characters outside the token alphabet show as {@code ?}. Null gives {@code null}.
     */
    public static String prefixOf(String token) {
        if (token == null) {
            return "null";
        }
        int n = Math.min(token.length(), PREFIX_CHARS);
        StringBuilder prefix = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            prefix.append(isTokenChar(c) ? c : '?');
        }
        return prefix.append('…').toString();
    }

    @Override
    public String toString() {
        return "JoinToken[id=" + id + ", show=" + show + ", tier=" + tier + ", expiresAt=" + expiresAt
                + (subject == null ? "" : ", subject=" + subject) + "]";
    }

    // ---- the format, used by TokenAuthority ----

    /** The payload of a new token, after the arguments have been checked. */
    static byte[] payload(byte[] idBytes, String show, Tier tier, long expiresAt, String subject) {
        byte[] showBytes = show.getBytes(StandardCharsets.US_ASCII);
        byte[] subjectBytes = subject == null ? new byte[0] : subject.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer payload = ByteBuffer.allocate(FIXED_BYTES + showBytes.length + subjectBytes.length);
        payload.put((byte) VERSION).put((byte) tier.code()).put(idBytes, 0, ID_BYTES).putInt((int) expiresAt);
        payload.put((byte) showBytes.length).put(showBytes);
        payload.put((byte) subjectBytes.length).put(subjectBytes);
        return payload.array();
    }

    /** The text that is signed: {@code v1.<payload>}. */
    static String signedText(byte[] payload) {
        return PREFIX + "." + B64.encodeToString(payload);
    }

    static String text(String signedText, byte[] tag) {
        return signedText + "." + B64.encodeToString(tag);
    }

    /** A token split into its parts, checked for everything but the tag's value. */
    record Parts(String signedText, byte[] payload, byte[] tag) {
    }

    /**
     * Splits and decodes a presented token, refusing (MALFORMED) anything that is not the text form of version 1.
     * Checks no tag: the payload's content is decoded by {@link #decode} once the tag is known to be genuine.
     */
    static Parts split(String token) throws TokenException {
        if (token.isEmpty()) {
            throw malformed(token, "is empty (expected: v1.<payload>.<tag>)");
        }
        if (token.length() > MAX_CHARS) {
            throw malformed(token, "is " + token.length() + " characters long (expected: at most " + MAX_CHARS + ")");
        }
        for (int i = 0; i < token.length(); i++) {
            if (!isTokenChar(token.charAt(i))) {
                throw malformed(token, "has a character outside A-Z a-z 0-9 - _ . at index " + i
                        + " (expected: v1.<payload>.<tag> in base64url)");
            }
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        if (firstDot < 0 || firstDot == lastDot || token.indexOf('.', firstDot + 1) != lastDot) {
            throw malformed(token, "does not have three parts separated by '.' (expected: v1.<payload>.<tag>)");
        }
        String version = token.substring(0, firstDot);
        if (!PREFIX.equals(version)) {
            String shown = version.length() <= 8 ? "'" + version + "'" : "of " + version.length() + " characters";
            throw malformed(token, "has an unknown version " + shown + " (expected: " + PREFIX + ")");
        }
        byte[] payload = decodeBase64(token, token.substring(firstDot + 1, lastDot), "payload");
        if (payload.length < FIXED_BYTES + 1 || payload.length > MAX_PAYLOAD_BYTES) {
            throw malformed(token, "has a payload of " + payload.length + " bytes (expected: " + (FIXED_BYTES + 1) + " to "
                    + MAX_PAYLOAD_BYTES + ")");
        }
        byte[] tag = decodeBase64(token, token.substring(lastDot + 1), "tag");
        if (tag.length != TAG_BYTES) {
            throw malformed(token, "has a tag of " + tag.length + " bytes (expected: " + TAG_BYTES + ")");
        }
        return new Parts(token.substring(0, lastDot), payload, tag);
    }

    private static byte[] decodeBase64(String token, String part, String name) throws TokenException {
        byte[] bytes;
        try {
            bytes = B64_DECODER.decode(part);
        } catch (IllegalArgumentException e) {
            throw malformed(token, "has a " + name + " that is not base64url (expected: base64url without padding)");
        }
        // Java's decoder ignores the unused low bits of the last character: without this check, several texts would
        // carry the same payload and tag.
        if (!B64.encodeToString(bytes).equals(part)) {
            throw malformed(token, "has a " + name + " that is not canonical base64url (expected: base64url without padding)");
        }
        return bytes;
    }

    /** The claims of a payload whose tag has been checked. */
    static JoinToken decode(String token, byte[] payloadBytes) throws TokenException {
        ByteBuffer payload = ByteBuffer.wrap(payloadBytes);
        int version = payload.get() & 0xFF;
        if (version != VERSION) {
            throw malformed(token, "has payload version " + version + " (expected: " + VERSION + ")");
        }
        int tierCode = payload.get() & 0xFF;
        Tier tier = Tier.ofCode(tierCode);
        if (tier == null) {
            throw malformed(token, "has tier code " + tierCode + " (expected: 0 general or 1 vip)");
        }
        byte[] idBytes = new byte[ID_BYTES];
        payload.get(idBytes);
        long expiresAt = payload.getInt() & 0xFFFF_FFFFL;
        String show = ascii(token, payload, 1, MAX_SHOW_CHARS, SHOW_ID, "show id", "[a-z0-9-]{1,40}");
        String subject = ascii(token, payload, 0, MAX_SUBJECT_CHARS, SUBJECT, "subject", "[A-Za-z0-9_.:@-]{0,64}");
        if (payload.hasRemaining()) {
            throw malformed(token, "has " + payload.remaining() + " bytes after the subject (expected: none)");
        }
        return new JoinToken(B64.encodeToString(idBytes), show, tier, Instant.ofEpochSecond(expiresAt),
                subject.isEmpty() ? null : subject, token);
    }

    private static String ascii(String token, ByteBuffer payload, int min, int max, Pattern pattern, String name, String expected)
            throws TokenException {
        int length = payload.hasRemaining() ? payload.get() & 0xFF : -1;
        if (length < min || length > max || length > payload.remaining()) {
            throw malformed(token, "has a " + name + " length of " + length + " with " + payload.remaining()
                    + " bytes left (expected: " + min + " to " + max + ", within the payload)");
        }
        byte[] bytes = new byte[length];
        payload.get(bytes);
        String value = new String(bytes, StandardCharsets.ISO_8859_1);
        if (length > 0 && !pattern.matcher(value).matches()) {
            throw malformed(token, "has a " + name + " outside " + expected + " (expected: " + expected + ")");
        }
        return value;
    }

    /** A minted token. */
    static JoinToken minted(byte[] idBytes, String show, Tier tier, long expiresAt, String subject, String text) {
        requireNonNull(text, "text");
        return new JoinToken(B64.encodeToString(idBytes), show, tier, Instant.ofEpochSecond(expiresAt), subject, text);
    }

    static boolean isTokenChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
    }

    static TokenException malformed(String token, String what) {
        return new TokenException(TokenException.Reason.MALFORMED, "join token " + prefixOf(token) + " " + what);
    }
}
