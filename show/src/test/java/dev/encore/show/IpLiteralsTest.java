package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "192.168.1.20", "255.255.255.255", "::", "::1", "fe80::1",
        "2001:db8:0:0:0:0:2:1", "2001:DB8::8:800:200C:417A", "::ffff:127.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1::"})
    void acceptsLiterals(String text) {
        assertThat(IpLiterals.isLiteral(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ",
        ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "[::1]", "abc::z",
        "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4:5::"})
    void rejectsEverythingElse(String text) {
        assertThat(IpLiterals.isLiteral(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
    void knowsLoopback(String literal) {
        assertThat(IpLiterals.isLoopback(literal)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "::", "fe80::1"})
    void knowsNonLoopback(String literal) {
        assertThat(IpLiterals.isLoopback(literal)).isFalse();
    }
}
