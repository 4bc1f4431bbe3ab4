package dev.encore.protocol.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IceCredentialsTest {

    @Test
    void randomCredentialsAreIceCharsOfTheRightLength() {
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            IceCredentials c = IceCredentials.random();
            assertThat(c.ufrag()).hasSize(8).matches("[A-Za-z0-9+/]+");
            assertThat(c.pwd()).hasSize(24).matches("[A-Za-z0-9+/]+");
            for (char ch : c.pwd().toCharArray()) {
                seen.add(ch);
            }
        }
        assertThat(seen).hasSize(64); // 4,800 draws from 64 symbols: every ice-char shows up
    }

    @Test
    void randomCredentialsDiffer() {
        IceCredentials a = IceCredentials.random();
        IceCredentials b = IceCredentials.random();
        assertThat(a.ufrag()).isNotEqualTo(b.ufrag());
        assertThat(a.pwd()).isNotEqualTo(b.pwd());
    }

    @Test
    void toStringHidesThePassword() {
        IceCredentials c = new IceCredentials("abcd", "0123456789abcdefghijkl");
        assertThat(c.toString()).isEqualTo("IceCredentials[ufrag=abcd, pwd=****]").doesNotContain("0123");
    }
}
