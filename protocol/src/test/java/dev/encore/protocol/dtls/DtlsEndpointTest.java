package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpSession;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A DTLS server against a DTLS client in memory: two endpoints wired by their callbacks, on a 2-thread pool. */
class DtlsEndpointTest {
    private static final DtlsIdentity SERVER = DtlsIdentity.generate();
    private static final DtlsIdentity CLIENT = DtlsIdentity.generate();
    private static final DtlsIdentity STRANGER = DtlsIdentity.generate();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] CLIENT_ADDRESS = {127, 0, 0, 1, (byte) 0xC3, 0x50};

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void serverAndClientExportTheSameKeys() throws Exception {
        Link link = new Link(CLIENT.fingerprint(), SERVER.fingerprint());
        CompletableFuture<SrtpKeys> clientKeys = link.client.start(pool, TIMEOUT);

        SrtpKeys client = clientKeys.get(10, TimeUnit.SECONDS);
        SrtpKeys server = link.serverKeys.get(10, TimeUnit.SECONDS);
        assertThat(server.profile()).isEqualTo(client.profile()).isEqualTo(SrtpSession.preferredProfile());
        assertThat(server.clientKey()).isEqualTo(client.clientKey()).hasSize(client.profile().keyLength());
        assertThat(server.serverKey()).isEqualTo(client.serverKey()).isNotEqualTo(client.clientKey());
        assertThat(server.clientSalt()).isEqualTo(client.clientSalt()).hasSize(client.profile().saltLength());
        assertThat(server.serverSalt()).isEqualTo(client.serverSalt());
        assertThat(link.helloVerifyRequests.get()).isEqualTo(1);

        // The keys work: what the server protects, the client unprotects.
        try (SrtpSession serverSrtp = SrtpSession.forServer(server); SrtpSession clientSrtp = SrtpSession.forClient(client)) {
            byte[] packet = Arrays.copyOf(new byte[] {(byte) 0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 42}, 13 + 20);
            int len = serverSrtp.protectRtp(packet, 0, 13);
            assertThat(clientSrtp.unprotectRtp(packet, 0, len)).isEqualTo(13);
            assertThat(packet[12]).isEqualTo((byte) 42);
        }
        assertThat(link.server.isClosed()).isFalse();
        assertThat(link.client.isClosed()).isFalse();
    }

    @Test
    void serverRejectsAClientCertificateThatIsNotTheSdpOne() {
        Link link = new Link(STRANGER.fingerprint(), SERVER.fingerprint());
        CompletableFuture<SrtpKeys> clientKeys = link.client.start(pool, TIMEOUT);

        assertThat(failure(link.serverKeys).getMessage())
                .startsWith("DTLS peer certificate does not match the SDP fingerprint: " + CLIENT.fingerprint().toSdp())
                .endsWith("(expected: " + STRANGER.fingerprint().toSdp() + ")");
        assertThat(failure(clientKeys)).hasMessage("DTLS peer aborted the handshake with alert bad_certificate(42)");
        assertThat(link.server.isClosed()).isTrue();
    }

    @Test
    void clientRejectsAServerCertificateThatIsNotTheSdpOne() {
        Link link = new Link(CLIENT.fingerprint(), STRANGER.fingerprint());
        CompletableFuture<SrtpKeys> clientKeys = link.client.start(pool, TIMEOUT);

        assertThat(failure(clientKeys).getMessage())
                .isEqualTo("DTLS peer certificate does not match the SDP fingerprint: " + SERVER.fingerprint().toSdp()
                        + " (expected: " + STRANGER.fingerprint().toSdp() + ")");
        assertThat(failure(link.serverKeys)).hasMessage("DTLS peer aborted the handshake with alert bad_certificate(42)");
    }

    @Test
    void timesOutWhenThePeerNeverAnswers() {
        DtlsEndpoint client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), datagram -> { });
        long start = System.nanoTime();
        CompletableFuture<SrtpKeys> keys = client.start(pool, Duration.ofMillis(300));

        assertThat(failure(keys)).hasMessage(
                "DTLS handshake timed out after 300 ms (expected: the peer completes the handshake in time)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(client.isClosed()).isTrue();
    }

    @Test
    void serverTimesOutWhenTheClientGoesQuietAfterItsHello() throws Exception {
        Link link = new Link(CLIENT.fingerprint(), SERVER.fingerprint());
        link.serverTimeout = Duration.ofMillis(400);
        link.dropToClient = datagram -> link.server != null;
        link.client.start(pool, Duration.ofMillis(400));

        assertThat(failure(link.serverKeys)).hasMessageContaining("timed out after 400 ms");
    }

    @Test
    void completesWhenTheClientsFirstFlightIsLost() throws Exception {
        Link link = new Link(CLIENT.fingerprint(), SERVER.fingerprint());
        AtomicInteger lost = new AtomicInteger();
        link.dropToServer = datagram -> lost.getAndIncrement() == 0;
        CompletableFuture<SrtpKeys> clientKeys = link.client.start(pool, TIMEOUT);

        SrtpKeys client = clientKeys.get(10, TimeUnit.SECONDS);
        assertThat(link.serverKeys.get(10, TimeUnit.SECONDS).clientKey()).isEqualTo(client.clientKey());
        assertThat(lost.get()).isGreaterThan(1);
    }

    @Test
    void serverResendsItsLastFlightAfterTheHandshakeWhenItWasLost() throws Exception {
        Link link = new Link(CLIENT.fingerprint(), SERVER.fingerprint());
        // The server's last flight is ChangeCipherSpec (content type 20) and Finished (the first epoch-1 record).
        List<byte[]> droppedOnce = new CopyOnWriteArrayList<>();
        link.dropToClient = datagram -> {
            boolean lastFlight = datagram[0] == 20 || (datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 1);
            boolean first = lastFlight && droppedOnce.stream().noneMatch(d -> d[0] == datagram[0]);
            if (first) {
                droppedOnce.add(datagram);
            }
            return first;
        };
        CompletableFuture<SrtpKeys> clientKeys = link.client.start(pool, TIMEOUT);

        SrtpKeys server = link.serverKeys.get(10, TimeUnit.SECONDS);
        assertThat(clientKeys).isNotDone();
        // The client re-sends its flight after ~1 s; the server, done and holding no thread, answers it inline.
        SrtpKeys client = clientKeys.get(10, TimeUnit.SECONDS);
        assertThat(client.serverKey()).isEqualTo(server.serverKey());
        assertThat(droppedOnce).hasSize(2);
    }

    @Test
    void closeSendsCloseNotifyAndThePeerNotices() throws Exception {
        Link link = new Link(CLIENT.fingerprint(), SERVER.fingerprint());
        link.client.start(pool, TIMEOUT).get(10, TimeUnit.SECONDS);
        link.serverKeys.get(10, TimeUnit.SECONDS);
        int before = link.toClient.size();

        link.server.close();

        assertThat(link.server.isClosed()).isTrue();
        // One encrypted alert record (content type 21) went out, and the client processed it on this thread.
        assertThat(link.toClient.subList(before, link.toClient.size())).anyMatch(d -> d[0] == 21);
        assertThat(link.client.isClosed()).isTrue();
        link.server.close();
    }

    @Test
    void closeDuringTheHandshakeFreesItsThread() throws Exception {
        DtlsEndpoint client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), datagram -> { });
        CompletableFuture<SrtpKeys> keys = client.start(pool, Duration.ofSeconds(30));
        Thread.sleep(50);
        long start = System.nanoTime();

        client.close();

        assertThat(failure(keys)).hasMessage("DTLS endpoint closed before the handshake completed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // Both pool threads are free again.
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> { }, pool);
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> { }, pool);
        CompletableFuture.allOf(a, b).get(5, TimeUnit.SECONDS);
    }

    @Test
    void receiveNeverBlocksAndDropsWhenTheInboxIsFull() {
        DtlsEndpoint client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), datagram -> { });
        byte[] junk = new byte[100];
        for (int i = 0; i < DtlsEndpoint.INBOX_CAPACITY + 10; i++) {
            client.receive(junk, 0, junk.length);
        }
        client.receive(junk, 90, 20);
        client.receive(null, 0, 0);

        assertThat(client.droppedDatagrams()).isEqualTo(10);
        client.close();
        assertThat(client.start(pool, TIMEOUT)).isCompletedExceptionally();
    }

    @Test
    void startTwiceIsAnError() {
        DtlsEndpoint client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), datagram -> { });
        client.start(pool, Duration.ofSeconds(1));
        assertThatThrownBy(() -> client.start(pool, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("start: called twice (expected: once per endpoint)");
        client.close();
    }

    private static DtlsException failure(CompletableFuture<SrtpKeys> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(DtlsException.class);
            return (DtlsException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected the handshake to fail, got " + e, e);
        }
        throw new AssertionError("expected the handshake to fail, but it completed");
    }

    /**
     * The wire: the client's datagrams pass the cookie gate until one is admitted, which creates and starts the server; then
     * they go to the server. Each direction can drop datagrams.
     */
    private final class Link {
        final DtlsCookieGate gate = new DtlsCookieGate();
        final DtlsEndpoint client;
        final Fingerprint serverExpects;
        final CompletableFuture<SrtpKeys> serverKeys = new CompletableFuture<>();
        final AtomicInteger helloVerifyRequests = new AtomicInteger();
        final List<byte[]> toClient = new CopyOnWriteArrayList<>();
        volatile DtlsEndpoint server;
        volatile Duration serverTimeout = TIMEOUT;
        volatile Predicate<byte[]> dropToServer = datagram -> false;
        volatile Predicate<byte[]> dropToClient = datagram -> false;

        Link(Fingerprint serverExpects, Fingerprint clientExpects) {
            this.serverExpects = serverExpects;
            this.client = DtlsEndpoint.client(CLIENT, clientExpects, this::toServer);
        }

        private void toServer(byte[] datagram) {
            if (dropToServer.test(datagram)) {
                return;
            }
            DtlsEndpoint s = server;
            if (s == null) {
                synchronized (this) {
                    if (server == null) {
                        DtlsCookieGate.Admission admission = gate.admit(CLIENT_ADDRESS, datagram, 0, datagram.length, reply -> {
                            helloVerifyRequests.incrementAndGet();
                            deliverToClient(reply);
                        });
                        if (admission != null) {
                            server = DtlsEndpoint.server(SERVER, serverExpects, this::deliverToClient, admission);
                            server.start(pool, serverTimeout).whenComplete((keys, e) -> {
                                if (e != null) {
                                    serverKeys.completeExceptionally(e);
                                } else {
                                    serverKeys.complete(keys);
                                }
                            });
                        }
                        return;
                    }
                    s = server;
                }
            }
            s.receive(datagram, 0, datagram.length);
        }

        private void deliverToClient(byte[] datagram) {
            if (!dropToClient.test(datagram)) {
                toClient.add(datagram);
                client.receive(datagram, 0, datagram.length);
            }
        }
    }
}
