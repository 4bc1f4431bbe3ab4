package dev.encore.show.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class TierTest {

    @Test
    void parsesItsNames() {
        assertThat(Tier.parse("general")).isEqualTo(Tier.GENERAL);
        assertThat(Tier.parse("VIP")).isEqualTo(Tier.VIP);
        assertThat(Tier.VIP).hasToString("vip");
        assertThat(Tier.ofCode(Tier.VIP.code())).isEqualTo(Tier.VIP);
        assertThat(Tier.ofCode(2)).isNull();
    }

    @Test
    void refusesOthers() {
        assertThatIllegalArgumentException().isThrownBy(() -> Tier.parse("gold")).withMessage("tier: 'gold' (expected: general or vip)");
        assertThatIllegalArgumentException().isThrownBy(() -> Tier.parse(null)).withMessage("tier: null (expected: general or vip)");
        assertThatIllegalArgumentException().isThrownBy(() -> Tier.parse("x".repeat(1000))).withMessageContaining("…");
    }
}
