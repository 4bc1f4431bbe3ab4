package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void matchesOnlyTheExactValue() {
        Secret secret = Secret.of("correct horse battery staple");

        assertThat(secret.matches("correct horse battery staple")).isTrue();
        assertThat(secret.matches("correct horse battery stapl")).isFalse();
        assertThat(secret.matches("correct horse battery staple!")).isFalse();
        assertThat(secret.matches("Correct horse battery staple")).isFalse();
        assertThat(secret.matches("")).isFalse();
        assertThat(secret.matches(null)).isFalse();
    }

    @Test
    void comparesUtf8NotChars() {
        Secret secret = Secret.of("clé-секрет-🎸");

        assertThat(secret.matches("clé-секрет-🎸")).isTrue();
        assertThat(secret.matches("cle-секрет-🎸")).isFalse();
    }

    @Test
    void anEmptySecretMatchesOnlyEmpty() {
        assertThat(Secret.of("").matches("")).isTrue();
        assertThat(Secret.of("").matches("x")).isFalse();
    }

    @Test
    void neverShowsItsValue() {
        Secret secret = Secret.of("correct horse battery staple");

        assertThat(secret).hasToString("****");
        assertThat(String.valueOf(new RtpIngestSettings("127.0.0.1", 5004, secret))).doesNotContain("horse");
        assertThat(secret.reveal()).isEqualTo("correct horse battery staple");
    }

    @Test
    void rejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> Secret.of(null)).withMessage("value");
    }
}
