package dev.encore.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.dtls.DtlsException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class DtlsHandshakesTest {

    @Test
    void namesFailureReasonsForTheMetricLabel() {
        assertThat(DtlsHandshakes.reason(new DtlsException("DTLS handshake rejected by the handshake pool",
                new RejectedExecutionException()))).isEqualTo("queue_full");
        assertThat(DtlsHandshakes.reason(new CompletionException(new TimeoutException()))).isEqualTo("timeout");
        assertThat(DtlsHandshakes.reason(new DtlsException("DTLS handshake timed out after 10000 ms"))).isEqualTo("timeout");
        assertThat(DtlsHandshakes.reason(new DtlsException("peer certificate does not match the fingerprint")))
                .isEqualTo("certificate");
        assertThat(DtlsHandshakes.reason(new DtlsException("DTLS peer aborted the handshake with alert handshake_failure")))
                .isEqualTo("alert");
        assertThat(DtlsHandshakes.reason(new IllegalStateException())).isEqualTo("error");
    }
}
