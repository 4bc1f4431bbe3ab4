package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6347 §4.2.1: a ClientHello without a cookie gets a HelloVerifyRequest; the retry with the cookie is admitted. */
class DtlsCookieGateTest {
    private static final DtlsIdentity IDENTITY = DtlsIdentity.generate();
    private static final byte[] ADDRESS = {127, 0, 0, 1, 0x13, (byte) 0x88};
    private static final byte[] OTHER_ADDRESS = {127, 0, 0, 2, 0x13, (byte) 0x88};
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int HELLO_VERIFY_REQUEST = 3;

    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final List<byte[]> fromClient = new CopyOnWriteArrayList<>();
    private final DtlsEndpoint client = DtlsEndpoint.client(IDENTITY, IDENTITY.fingerprint(), fromClient::add);

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void answersAHelloWithoutCookieAndAdmitsTheRetry() throws Exception {
        DtlsCookieGate gate = new DtlsCookieGate();
        client.start(pool, Duration.ofSeconds(10));
        byte[] hello = awaitDatagram(0);
        assertThat(hello[0]).isEqualTo((byte) CONTENT_HANDSHAKE);
        assertThat(hello[13]).isEqualTo((byte) CLIENT_HELLO);

        List<byte[]> replies = new CopyOnWriteArrayList<>();
        assertThat(gate.admit(ADDRESS, hello, 0, hello.length, replies::add)).isNull();
        assertThat(replies).hasSize(1);
        byte[] verify = replies.get(0);
        assertThat(verify[0]).isEqualTo((byte) CONTENT_HANDSHAKE);
        assertThat(verify[13]).isEqualTo((byte) HELLO_VERIFY_REQUEST);

        client.receive(verify, 0, verify.length);
        byte[] retry = awaitDatagram(1);
        assertThat(retry[13]).isEqualTo((byte) CLIENT_HELLO);

        // The cookie is bound to the client's address: from elsewhere it earns another HelloVerifyRequest.
        replies.clear();
        assertThat(gate.admit(OTHER_ADDRESS, retry, 0, retry.length, replies::add)).isNull();
        assertThat(replies).hasSize(1);
        // From the right address it is admitted, with no reply.
        replies.clear();
        byte[] padded = new byte[retry.length + 7];
        System.arraycopy(retry, 0, padded, 3, retry.length);
        assertThat(gate.admit(ADDRESS, padded, 3, retry.length, replies::add)).isNotNull();
        assertThat(replies).isEmpty();
        // Another gate has another secret.
        assertThat(new DtlsCookieGate().admit(ADDRESS, retry, 0, retry.length, replies::add)).isNull();
    }

    @Test
    void dropsWhatIsNotAClientHello() {
        DtlsCookieGate gate = new DtlsCookieGate();
        List<byte[]> replies = new CopyOnWriteArrayList<>();
        byte[] junk = new byte[80];
        junk[0] = CONTENT_HANDSHAKE;
        junk[1] = (byte) 0xFE;
        junk[2] = (byte) 0xFD;

        assertThat(gate.admit(ADDRESS, junk, 0, junk.length, replies::add)).isNull();
        assertThat(gate.admit(ADDRESS, new byte[0], 0, 0, replies::add)).isNull();
        assertThat(gate.admit(ADDRESS, junk, 70, 20, replies::add)).isNull();
        assertThat(replies).isEmpty();
    }

    private byte[] awaitDatagram(int index) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fromClient.size() <= index && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(fromClient).hasSizeGreaterThan(index);
        return fromClient.get(index);
    }
}
