package dev.encore.show.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenAuthorityTest {
    private static final String SECRET_VALUE = "s3cr3t-value-for-tests-0123456789-abcdef";
    private static final Instant MINTED = Instant.parse("2025-06-01T20:00:00Z");
    private static final Clock AT_MINT = Clock.fixed(MINTED, ZoneOffset.UTC);

    private final ServerSecret secret = ServerSecret.ofValue(SECRET_VALUE);
    private final TokenAuthority authority = new TokenAuthority(secret);
    /** Every message and toString the tests produce, checked for secrets and whole tokens at the end of some tests. */
    private final List<String> texts = new ArrayList<>();

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private TokenException refusal(String token, String show, Clock clock) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> authority.verify(token, show, clock));
        assertThat(e).as("verify must refuse %s", JoinToken.prefixOf(token)).isNotNull();
        texts.add(e.getMessage());
        texts.add(e.toString());
        return e;
    }

    private String mintRooftop() {
        return authority.mint("rooftop", Tier.GENERAL, Duration.ofHours(4), null, AT_MINT).encoded();
    }

    @ParameterizedTest
    @CsvSource(value = {"GENERAL,", "VIP,", "GENERAL,tg:123456789", "VIP,alice@example.org"})
    void mintThenVerifyGivesTheClaimsBack(Tier tier, String subject) throws TokenException {
        JoinToken token = authority.mint("rooftop", tier, Duration.ofHours(4), subject, AT_MINT);

        TokenAuthority.Verified verified = authority.verify(token.encoded(), "rooftop", AT_MINT);

        assertThat(verified.show()).isEqualTo("rooftop");
        assertThat(verified.tier()).isEqualTo(tier);
        assertThat(verified.expiresAt()).isEqualTo(MINTED.plus(Duration.ofHours(4)));
        assertThat(verified.subject()).isEqualTo(subject);
        assertThat(verified.tokenId()).isEqualTo(token.id()).hasSize(8);
        assertThat(token.show()).isEqualTo("rooftop");
        assertThat(token.tier()).isEqualTo(tier);
        assertThat(token.subject()).isEqualTo(subject);
        assertThat(token.expiresAt()).isEqualTo(verified.expiresAt());
        assertThat(token.encoded()).startsWith("v1.").matches("[A-Za-z0-9_.-]+");
    }

    @Test
    void everyMintIsADifferentToken() {
        String a = mintRooftop();
        String b = mintRooftop();

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void tokensAreShortEnoughForALink() {
        assertThat(mintRooftop()).hasSize(54);
        String longest = authority.mint("a".repeat(40), Tier.VIP, Duration.ofDays(400), "s".repeat(64), AT_MINT).encoded();
        assertThat(longest).hasSize(184);
    }

    @Test
    void validUntilTheSecondBeforeExpiry() throws TokenException {
        String token = mintRooftop();
        Instant expiry = MINTED.plus(Duration.ofHours(4));

        assertThat(authority.verify(token, "rooftop", at(expiry.minusSeconds(1))).show()).isEqualTo("rooftop");
        assertThat(authority.verify(token, "rooftop", at(expiry.minusMillis(1))).show()).isEqualTo("rooftop");
        assertThat(refusal(token, "rooftop", at(expiry)).reason()).isEqualTo(TokenException.Reason.EXPIRED);
        TokenException late = refusal(token, "rooftop", at(expiry.plusSeconds(1)));
        assertThat(late.reason()).isEqualTo(TokenException.Reason.EXPIRED);
        assertThat(late.getMessage()).contains("expired at 2025-06-02T00:00:00Z").contains("2025-06-02T00:00:01Z");
        assertNoSecretOrToken(token);
    }

    @Test
    void aFlippedBitAnywhereInTheTagIsForged() {
        String token = mintRooftop();
        int lastDot = token.lastIndexOf('.');
        byte[] tag = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));

        for (int bit = 0; bit < tag.length * 8; bit++) {
            byte[] flipped = tag.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String forged = token.substring(0, lastDot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);

            assertThat(refusal(forged, "rooftop", AT_MINT).reason()).as("bit %d", bit).isEqualTo(TokenException.Reason.FORGED);
        }
        assertNoSecretOrToken(token);
    }

    @Test
    void aFlippedBitAnywhereInThePayloadIsForged() {
        String token = mintRooftop();
        String[] parts = token.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);

        for (int bit = 0; bit < payload.length * 8; bit++) {
            byte[] flipped = payload.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String forged = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(flipped) + "." + parts[2];

            assertThat(refusal(forged, "rooftop", AT_MINT).reason()).as("bit %d", bit).isEqualTo(TokenException.Reason.FORGED);
        }
        assertNoSecretOrToken(token);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsForged() {
        TokenAuthority other = new TokenAuthority(ServerSecret.ofValue("another-secret-of-at-least-32-characters"));
        String token = other.mint("rooftop", Tier.VIP, Duration.ofHours(1), null, AT_MINT).encoded();

        TokenException e = refusal(token, "rooftop", AT_MINT);

        assertThat(e.reason()).isEqualTo(TokenException.Reason.FORGED);
        assertThat(e.getMessage()).contains("does not match").contains(token.substring(0, 12)).doesNotContain(token);
    }

    @Test
    void aTokenForAnotherShowIsRefused() {
        TokenException e = refusal(mintRooftop(), "basement", AT_MINT);

        assertThat(e.reason()).isEqualTo(TokenException.Reason.WRONG_SHOW);
        assertThat(e.getMessage()).contains("'rooftop'").contains("(expected: 'basement')");
    }

    @Test
    void aForgedTokenIsForgedEvenWhenItAlsoNamesAnotherShowOrIsExpired() {
        TokenAuthority other = new TokenAuthority(ServerSecret.ofValue("another-secret-of-at-least-32-characters"));
        String token = other.mint("basement", Tier.VIP, Duration.ofSeconds(1), null, AT_MINT).encoded();

        assertThat(refusal(token, "rooftop", at(MINTED.plusSeconds(60))).reason()).isEqualTo(TokenException.Reason.FORGED);
    }

    @Test
    void garbageIsMalformed() {
        for (String garbage : List.of("", "x", ".", "..", "...", "v1", "v1.", "v1..", "v1...", "hello world", "v1.AAAA",
                "v1.AAAA.AAAA.AAAA", "v1.A.AAAAAAAAAAAAAAAAAAAAAA", "v1.AAAAAAAAAAAAAAAAAAAA.A", "v1.=.=", "v1.AAAAAAAAAAAAAAAAAAAA.AAAA",
                "v1.AAAAAAAAAAAAAAAAAAAA==.AAAAAAAAAAAAAAAAAAAAAA", "v1.AAAA AAAA.AAAA", "v1.\u00e9\u00e9.AAAA", "\0", "v1.+/+/.AAAA",
                "Bearer v1.AAAA.AAAA", "\ud83c\udfb8")) {
            TokenException e = refusal(garbage, "rooftop", AT_MINT);

            assertThat(e.reason()).as("%s", garbage).isEqualTo(TokenException.Reason.MALFORMED);
            assertThat(e.getMessage()).startsWith("join token ").contains("(expected: ");
        }
    }

    @Test
    void nullIsMissing() {
        assertThat(refusal(null, "rooftop", AT_MINT).reason()).isEqualTo(TokenException.Reason.MISSING);
    }

    @Test
    void hugeInputIsRefusedUpFrontWithoutEchoingIt() {
        String huge = "v1." + "A".repeat(10 * 1024) + ".AAAAAAAAAAAAAAAAAAAAAA";
        String justTooLong = "A".repeat(JoinToken.MAX_CHARS + 1);
        String oneMegabyte = "\u0000".repeat(1 << 20);

        TokenException e = refusal(huge, "rooftop", AT_MINT);

        assertThat(e.reason()).isEqualTo(TokenException.Reason.MALFORMED);
        assertThat(e.getMessage()).contains("10266 characters").contains("at most 1024").hasSizeLessThan(200);
        assertThat(refusal(justTooLong, "rooftop", AT_MINT).reason()).isEqualTo(TokenException.Reason.MALFORMED);
        assertThat(refusal(oneMegabyte, "rooftop", AT_MINT).getMessage()).hasSizeLessThan(200);
    }

    @Test
    void everyTruncationIsMalformed() {
        String token = authority.mint("rooftop", Tier.VIP, Duration.ofHours(4), "tg:42", AT_MINT).encoded();

        for (int length = 0; length < token.length(); length++) {
            assertThat(refusal(token.substring(0, length), "rooftop", AT_MINT).reason()).as("first %d characters", length)
                    .isEqualTo(TokenException.Reason.MALFORMED);
            assertThat(refusal(token.substring(length + 1), "rooftop", AT_MINT).reason()).as("without %d first characters", length + 1)
                    .isEqualTo(TokenException.Reason.MALFORMED);
        }
        assertNoSecretOrToken(token);
    }

    @Test
    void anUnknownVersionIsMalformed() {
        String token = mintRooftop();
        String rest = token.substring(2);

        for (String version : List.of("v2", "v0", "V1", "v10", "1", "", "version-with-a-long-name")) {
            TokenException e = refusal(version + rest, "rooftop", AT_MINT);

            assertThat(e.reason()).as(version).isEqualTo(TokenException.Reason.MALFORMED);
            assertThat(e.getMessage()).as(version).contains("(expected: v1)");
        }
    }

    @Test
    void nonCanonicalBase64IsMalformedNotAnotherSpellingOfTheSameToken() {
        String token = mintRooftop();
        // The 16-byte tag is 22 characters: the last one carries 2 bits and 4 unused ones, which Java's decoder ignores.
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String respelled = token.substring(0, token.length() - 1) + sameBits;
        assertThat(Base64.getUrlDecoder().decode(respelled.substring(respelled.lastIndexOf('.') + 1)))
                .isEqualTo(Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1)));

        TokenException e = refusal(respelled, "rooftop", AT_MINT);

        assertThat(e.reason()).isEqualTo(TokenException.Reason.MALFORMED);
        assertThat(e.getMessage()).contains("not canonical");
    }

    @Test
    void aGenuineTagOverABadPayloadIsStillMalformed() {
        // Only the holder of the secret can make these; the decoder must refuse them all the same.
        byte[] good = JoinToken.payload(new byte[6], "rooftop", Tier.GENERAL, MINTED.getEpochSecond() + 60, null);
        List<byte[]> bad = new ArrayList<>();
        byte[] version2 = good.clone();
        version2[0] = 2;
        bad.add(version2);
        byte[] tier7 = good.clone();
        tier7[1] = 7;
        bad.add(tier7);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        bad.add(trailing);
        byte[] showTooLong = good.clone();
        showTooLong[12] = 50;
        bad.add(showTooLong);
        byte[] upperCaseShow = good.clone();
        upperCaseShow[13] = 'R';
        bad.add(upperCaseShow);
        byte[] noSubjectLength = Arrays.copyOf(good, good.length - 1);
        bad.add(noSubjectLength);
        byte[] badSubject = JoinToken.payload(new byte[6], "rooftop", Tier.GENERAL, MINTED.getEpochSecond() + 60, "a b");
        bad.add(badSubject);

        for (byte[] payload : bad) {
            String signed = JoinToken.signedText(payload);
            String token = JoinToken.text(signed, authority.tag(signed));

            assertThat(refusal(token, "rooftop", AT_MINT).reason()).as(HexFormat.of().formatHex(payload))
                    .isEqualTo(TokenException.Reason.MALFORMED);
        }
    }

    @Test
    void randomMutationsNeverThrowAnythingButTokenException() {
        String token = authority.mint("rooftop", Tier.VIP, Duration.ofHours(4), "tg:42", AT_MINT).encoded();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9";
        Random random = new Random(20250601);

        for (int i = 0; i < 5_000; i++) {
            StringBuilder mutated = new StringBuilder(token);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(mutated.length() + 1);
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0:
                        mutated.insert(at, c);
                        break;
                    case 1:
                        if (at < mutated.length()) {
                            mutated.deleteCharAt(at);
                        }
                        break;
                    default:
                        if (at < mutated.length()) {
                            mutated.setCharAt(at, c);
                        }
                        break;
                }
            }
            String candidate = mutated.toString();
            if (candidate.equals(token)) {
                continue;
            }
            TokenException e = refusal(candidate, "rooftop", AT_MINT);
            assertThat(e.reason()).as(candidate).isIn(TokenException.Reason.MALFORMED, TokenException.Reason.FORGED);
        }
        assertNoSecretOrToken(token);
    }

    @Test
    void bearerHeaders() throws TokenException {
        String token = mintRooftop();

        assertThat(authority.verifyBearer("Bearer " + token, "rooftop", AT_MINT).show()).isEqualTo("rooftop");
        assertThat(authority.verifyBearer("bearer  " + token + " ", "rooftop", AT_MINT).show()).isEqualTo("rooftop");
        assertThatThrownBy(() -> authority.verifyBearer(null, "rooftop", AT_MINT))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.MISSING));
        assertThatThrownBy(() -> authority.verifyBearer("", "rooftop", AT_MINT))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.MISSING));
        for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", token, "Bearer " + "A".repeat(5000))) {
            assertThatThrownBy(() -> authority.verifyBearer(header, "rooftop", AT_MINT)).as(header)
                    .isInstanceOfSatisfying(TokenException.class, e -> {
                        assertThat(e.reason()).isEqualTo(TokenException.Reason.MALFORMED);
                        texts.add(e.getMessage());
                    });
        }
        assertThatThrownBy(() -> authority.verifyBearer("Bearer " + token, "basement", AT_MINT))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.WRONG_SHOW));
        assertNoSecretOrToken(token);
    }

    @Test
    void mintRefusesBadArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("Rooftop", Tier.VIP, Duration.ofHours(1), null, AT_MINT))
                .withMessageContaining("show: 'Rooftop' (expected: ");
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("a".repeat(41), Tier.VIP, Duration.ofHours(1), null, AT_MINT));
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("", Tier.VIP, Duration.ofHours(1), null, AT_MINT));
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofHours(1), "a b", AT_MINT))
                .withMessageContaining("subject: 'a b' (expected: ");
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofHours(1), "", AT_MINT));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofHours(1), "s".repeat(65), AT_MINT));
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ZERO, null, AT_MINT))
                .withMessageContaining("ttl: PT0S (expected: ");
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofMillis(999), null, AT_MINT));
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofDays(401), null, AT_MINT));
        assertThatIllegalArgumentException().isThrownBy(() -> authority.mint("rooftop", Tier.VIP, Duration.ofDays(1), null,
                at(Instant.parse("2106-02-07T00:00:00Z")))).withMessageContaining("expiry: ");
    }

    @Test
    void parsesTtls() {
        assertThat(TokenAuthority.parseTtl("4h")).isEqualTo(Duration.ofHours(4));
        assertThat(TokenAuthority.parseTtl("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(TokenAuthority.parseTtl("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(TokenAuthority.parseTtl(" 7D ")).isEqualTo(Duration.ofDays(7));
        assertThat(TokenAuthority.parseTtl("400d")).isEqualTo(Duration.ofDays(400));
        for (String bad : List.of("", "4", "h", "4x", "-4h", "4h30m", "0s", "401d", "99999999h", "PT4H")) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> TokenAuthority.parseTtl(bad))
                    .withMessageContaining("ttl: ").withMessageContaining("(expected: ");
        }
    }

    @Test
    void toStringsRevealNeitherTheSecretNorTheToken() throws TokenException {
        JoinToken token = authority.mint("rooftop", Tier.VIP, Duration.ofHours(4), "tg:42", AT_MINT);
        texts.add(token.toString());
        texts.add(authority.toString());
        texts.add(secret.toString());
        texts.add(authority.verify(token.encoded(), "rooftop", AT_MINT).toString());
        texts.add(JoinToken.prefixOf(token.encoded()));

        assertThat(token.toString()).contains("id=" + token.id()).contains("tier=vip").contains("subject=tg:42");
        assertThat(JoinToken.prefixOf(token.encoded())).isEqualTo(token.encoded().substring(0, 12) + "…");
        assertThat(JoinToken.prefixOf("a\nb")).isEqualTo("a?b…");
        assertNoSecretOrToken(token.encoded());
    }

    @Test
    void theTagComesFromAKeyDerivedFromTheSecretNotTheSecretItself() throws Exception {
        String token = mintRooftop();
        String signed = token.substring(0, token.lastIndexOf('.'));
        Mac raw = Mac.getInstance("HmacSHA256");
        raw.init(new SecretKeySpec(SECRET_VALUE.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] rawTag = Arrays.copyOf(raw.doFinal(signed.getBytes(StandardCharsets.US_ASCII)), 16);

        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(rawTag))
                .isNotEqualTo(token.substring(token.lastIndexOf('.') + 1));
        assertThat(new TokenAuthority(secret, new SecureRandom()).verify(token, "rooftop", AT_MINT).show()).isEqualTo("rooftop");
    }

    /** No collected text holds the secret (as text, hex or base64), the derived key, or the whole token. */
    private void assertNoSecretOrToken(String token) {
        byte[] raw = SECRET_VALUE.getBytes(StandardCharsets.UTF_8);
        byte[] derived = secret.derive("encore/join-token/v1");
        List<String> forbidden = List.of(SECRET_VALUE, SECRET_VALUE.substring(0, 16), HexFormat.of().formatHex(raw),
                Base64.getEncoder().encodeToString(raw), Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
                HexFormat.of().formatHex(derived), Base64.getEncoder().withoutPadding().encodeToString(derived),
                Base64.getUrlEncoder().withoutPadding().encodeToString(derived), token, token.substring(token.indexOf('.') + 1));
        assertThat(texts).isNotEmpty();
        for (String text : texts) {
            for (String secretForm : forbidden) {
                assertThat(text).doesNotContain(secretForm);
            }
        }
    }
}
