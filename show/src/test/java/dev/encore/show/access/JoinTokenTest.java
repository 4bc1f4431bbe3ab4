package dev.encore.show.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The format as documented in {@link JoinToken}'s Javadoc, byte for byte. */
class JoinTokenTest {
    /** The examples of the Javadoc, minted with this secret at 2025-06-01T20:00:00Z for 4 hours. */
    private static final String EXAMPLE_SECRET = "an-example-secret-of-32-characters!!";
    private static final String GENERAL_EXAMPLE = "v1.AQAJB8P_d95oPOmAB3Jvb2Z0b3AA.DvdTzpZzRyOdQ8zQ52FdrA";
    private static final String VIP_EXAMPLE = "v1.AQEB19mE4LxoPOmAB3Jvb2Z0b3AMdGc6MTIzNDU2Nzg5.agPf1danaIXrJJoWMuRIaQ";
    private static final Clock MINTED = Clock.fixed(Instant.parse("2025-06-01T20:00:00Z"), ZoneOffset.UTC);

    @Test
    void theDocumentedExamplesVerify() throws TokenException {
        TokenAuthority authority = new TokenAuthority(ServerSecret.ofValue(EXAMPLE_SECRET));

        TokenAuthority.Verified general = authority.verify(GENERAL_EXAMPLE, "rooftop", MINTED);
        TokenAuthority.Verified vip = authority.verify(VIP_EXAMPLE, "rooftop", MINTED);

        assertThat(general).isEqualTo(new TokenAuthority.Verified("rooftop", Tier.GENERAL, Instant.parse("2025-06-02T00:00:00Z"),
                null, "CQfD_3fe"));
        assertThat(vip).isEqualTo(new TokenAuthority.Verified("rooftop", Tier.VIP, Instant.parse("2025-06-02T00:00:00Z"),
                "tg:123456789", "AdfZhOC8"));
    }

    @Test
    void payloadLayout() {
        byte[] payload = Base64.getUrlDecoder().decode(VIP_EXAMPLE.split("\\.")[1]);

        assertThat(HexFormat.of().formatHex(payload)).isEqualTo(
                "01" // version
                + "01" // tier: vip
                + "01d7d984e0bc" // id
                + "683ce980" // expires at: 1748822400 = 2025-06-02T00:00:00Z
                + "07" + "726f6f66746f70" // show id: rooftop
                + "0c" + "74673a313233343536373839"); // subject: tg:123456789
        assertThat(JoinToken.payload(HexFormat.of().parseHex("01d7d984e0bc"), "rooftop", Tier.VIP, 1748822400L, "tg:123456789"))
                .isEqualTo(payload);
    }

    @Test
    void theTagCoversTheVersionPrefix() {
        TokenAuthority authority = new TokenAuthority(ServerSecret.ofValue(EXAMPLE_SECRET));
        String signed = GENERAL_EXAMPLE.substring(0, GENERAL_EXAMPLE.lastIndexOf('.'));

        assertThat(JoinToken.text(signed, authority.tag(signed))).isEqualTo(GENERAL_EXAMPLE);
        assertThat(authority.tag(signed.substring(3))).isNotEqualTo(authority.tag(signed));
    }

    @Test
    void splitChecksTheShapeOnly() throws TokenException {
        JoinToken.Parts parts = JoinToken.split(GENERAL_EXAMPLE);

        assertThat(parts.signedText()).isEqualTo("v1.AQAJB8P_d95oPOmAB3Jvb2Z0b3AA");
        assertThat(parts.payload()).hasSize(21);
        assertThat(parts.tag()).hasSize(JoinToken.TAG_BYTES);
    }

    @Test
    void prefixes() {
        assertThat(JoinToken.prefixOf(GENERAL_EXAMPLE)).isEqualTo("v1.AQAJB8P_d…");
        assertThat(JoinToken.prefixOf("")).isEqualTo("…");
        assertThat(JoinToken.prefixOf(null)).isEqualTo("null");
        assertThat(JoinToken.prefixOf("v1.\u00e9<script>")).isEqualTo("v1.??script?…");
    }
}
