package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

import dev.encore.show.Durations;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and verifies {@link JoinToken join tokens} with a key derived from the {@link ServerSecret}.
 *
 * <p>Wiring: the CLI's {@code encore token --show ID [--tier vip] [--ttl 4h] [--subject S] [--data-dir DIR]} is
 * {@code new TokenAuthority(ServerSecret.load(env, dataDir)).mint(show, Tier.parse(tier), parseTtl(ttl), subject,
 * Clock.systemUTC()).encoded()}; the WHEP endpoint of a show whose access mode is {@code TOKEN} calls
 * {@link #verifyBearer} with the request's {@code Authorization} header and answers {@code 401} or {@code 403} per
 * {@link TokenException.Reason}.
 *
 * <p>Immutable; safe to call from any thread (each call makes its own {@link Mac}; {@link SecureRandom} is thread-safe).
 */
public final class TokenAuthority {
    /** Shortest time to live of a minted token. */
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    /** Longest time to live of a minted token: a ticket sold well ahead of a show. */
    public static final Duration MAX_TTL = Duration.ofDays(400);

    private static final String KEY_LABEL = "encore/join-token/v1";
    private static final String HMAC = "HmacSHA256";
    private static final Pattern BEARER = Pattern.compile("(?i)bearer +(\\S*) *");

    private final SecretKeySpec key;
    private final SecureRandom random;

    public TokenAuthority(ServerSecret secret) {
        this(secret, new SecureRandom());
    }

    TokenAuthority(ServerSecret secret, SecureRandom random) {
        requireNonNull(secret, "secret");
        byte[] derived = secret.derive(KEY_LABEL);
        this.key = new SecretKeySpec(derived, HMAC);
        Arrays.fill(derived, (byte) 0);
        this.random = requireNonNull(random, "random");
    }

    /**
     * A genuine, unexpired token for the expected show.
     *
     * @param show the show id
     * @param tier the listener's tier
     * @param expiresAt the first instant at which the token is no longer valid
     * @param subject who it was minted for, or null
     * @param tokenId the token's random id, safe to log
     */
    public record Verified(String show, Tier tier, Instant expiresAt, String subject, String tokenId) {
    }

    /**
     * Mints a token valid from now (per {@code clock}) for {@code ttl}, rounded down to whole seconds.
     *
     * @param show the show id, {@code [a-z0-9-]{1,40}}
     * @param subject who the token is for (e.g. {@code tg:123456789}), {@code [A-Za-z0-9_.:@-]{1,64}}, or null for no one
     * @param ttl from {@link #MIN_TTL} to {@link #MAX_TTL}
     * @throws IllegalArgumentException when an argument is out of range (the message says which and what was expected)
     */
    public JoinToken mint(String show, Tier tier, Duration ttl, String subject, Clock clock) {
        requireNonNull(show, "show");
        requireNonNull(tier, "tier");
        requireNonNull(ttl, "ttl");
        requireNonNull(clock, "clock");
        if (!JoinToken.SHOW_ID.matcher(show).matches()) {
            throw new IllegalArgumentException("show: '" + clip(show) + "' (expected: 1 to 40 characters of a-z, 0-9 and '-')");
        }
        if (subject != null && !JoinToken.SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("subject: '" + clip(subject)
                    + "' (expected: 1 to 64 characters of A-Z, a-z, 0-9 and _ . : @ -, or none)");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: from " + MIN_TTL + " to " + MAX_TTL + ")");
        }
        long expiresAt = clock.instant().getEpochSecond() + ttl.toSeconds();
        if (expiresAt <= 0 || expiresAt > JoinToken.MAX_EXPIRES_AT) {
            throw new IllegalArgumentException("expiry: " + Instant.ofEpochSecond(expiresAt) + " (expected: from 1970 to "
                    + Instant.ofEpochSecond(JoinToken.MAX_EXPIRES_AT) + "; is the clock right?)");
        }
        byte[] id = new byte[JoinToken.ID_BYTES];
        random.nextBytes(id);
        String signedText = JoinToken.signedText(JoinToken.payload(id, show, tier, expiresAt, subject));
        return JoinToken.minted(id, show, tier, expiresAt, subject, JoinToken.text(signedText, tag(signedText)));
    }

    /**
     * Checks a presented token: well formed, genuine (constant-time tag comparison), for {@code expectedShow}, and not
     * expired at {@code clock}'s now (valid while now &lt; expiresAt, in whole seconds). Any input, however hostile, gives
     * a result or a {@link TokenException}, never another exception.
     *
     * @param token the presented text, or null ({@code MISSING})
     * @throws TokenException saying why the token is refused
     */
    public Verified verify(String token, String expectedShow, Clock clock) throws TokenException {
        requireNonNull(expectedShow, "expectedShow");
        requireNonNull(clock, "clock");
        if (token == null) {
            throw new TokenException(TokenException.Reason.MISSING, "no join token (expected: v1.<payload>.<tag>)");
        }
        JoinToken.Parts parts = JoinToken.split(token);
        if (!MessageDigest.isEqual(tag(parts.signedText()), parts.tag())) {
            throw new TokenException(TokenException.Reason.FORGED, "join token " + JoinToken.prefixOf(token)
                    + " has a tag that does not match its content (expected: a token minted by this server, with its current"
                    + " secret, unaltered)");
        }
        JoinToken claims = JoinToken.decode(token, parts.payload());
        if (!claims.show().equals(expectedShow)) {
            throw new TokenException(TokenException.Reason.WRONG_SHOW, "join token " + claims.id() + " is for show '"
                    + claims.show() + "' (expected: '" + clip(expectedShow) + "')");
        }
        Instant now = clock.instant();
        if (now.getEpochSecond() >= claims.expiresAt().getEpochSecond()) {
            throw new TokenException(TokenException.Reason.EXPIRED, "join token " + claims.id() + " expired at "
                    + claims.expiresAt() + " (expected: a token valid at " + now + ")");
        }
        return new Verified(claims.show(), claims.tier(), claims.expiresAt(), claims.subject(), claims.id());
    }

    /**
     * {@link #verify} for the value of an HTTP {@code Authorization} header: {@code Bearer <token>}
     * (<a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>; the scheme in any case).
     *
     * @param authorization the header's value, or null when the request has none ({@code MISSING})
     * @throws TokenException saying why the token is refused
     */
    public Verified verifyBearer(String authorization, String expectedShow, Clock clock) throws TokenException {
        if (authorization == null || authorization.isBlank()) {
            throw new TokenException(TokenException.Reason.MISSING,
                    "no Authorization header (expected: Authorization: Bearer <join token>)");
        }
        if (authorization.length() > JoinToken.MAX_CHARS + 16) {
            throw JoinToken.malformed(authorization, "is an Authorization header of " + authorization.length()
                    + " characters (expected: Bearer and a join token of at most " + JoinToken.MAX_CHARS + ")");
        }
        Matcher bearer = BEARER.matcher(authorization);
        if (!bearer.matches()) {
            throw new TokenException(TokenException.Reason.MALFORMED,
                    "Authorization header is not of the Bearer scheme (expected: Authorization: Bearer <join token>)");
        }
        return verify(bearer.group(1), expectedShow, clock);
    }

    /**
     * Parses a time to live such as {@code 90s}, {@code 45m}, {@code 4h} or {@code 7d} (the CLI's {@code --ttl}).
     *
     * @throws IllegalArgumentException for anything else, or a value outside {@link #MIN_TTL} to {@link #MAX_TTL}
     */
    public static Duration parseTtl(String text) {
        requireNonNull(text, "text");
        Duration ttl;
        try {
            ttl = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ttl: '" + clip(text) + "' (expected: a number and a unit s, m, h or d, e.g. 4h)");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl: " + text.strip() + " (expected: from 1s to " + MAX_TTL.toDays() + "d)");
        }
        return ttl;
    }

    byte[] tag(String signedText) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(signedText.getBytes(StandardCharsets.US_ASCII)), JoinToken.TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable (expected: in every Java runtime)", e);
        }
    }

    /** An argument shown in a message, cut to a readable length. */
    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    @Override
    public String toString() {
        return "TokenAuthority[key=****]";
    }
}
