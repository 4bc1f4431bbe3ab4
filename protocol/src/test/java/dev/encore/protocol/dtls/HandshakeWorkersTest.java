package dev.encore.protocol.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.protocol.srtp.SrtpKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake pool's CPU turns: many handshakes wait for their peers at once, few compute, started ones go first. */
class HandshakeWorkersTest {
    private static final DtlsIdentity SERVER = DtlsIdentity.generate();
    private static final DtlsIdentity CLIENT = DtlsIdentity.generate();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HandshakeWorkers serverWorkers = new HandshakeWorkers("test-dtls-server", 1, 64, 16);
    private final HandshakeWorkers clientWorkers = new HandshakeWorkers("test-dtls-client", 2, 64, 16);
    private final ScheduledExecutorService wire = Executors.newSingleThreadScheduledExecutor();
    /** The most server handshakes running at once, seen when each starts. */
    private volatile int maxActive;

    @AfterEach
    void stop() {
        serverWorkers.close();
        clientWorkers.close();
        wire.shutdownNow();
    }

    /**
     * Twenty handshakes over a link with 150 ms of delay each way, on ONE server CPU turn: a server thread that kept its turn
     * while waiting for the client would serialize them (20 x 2 round trips = 12 s); giving the turn back lets them wait
     * side by side, so they all finish within a few round trips of each other.
     */
    @Test
    void handshakesWaitForTheirPeersSideBySideOnOneTurn() throws Exception {
        int n = 20;
        List<DelayedLink> links = new ArrayList<>();
        List<CompletableFuture<SrtpKeys>> clientKeys = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            DelayedLink link = new DelayedLink(Duration.ofMillis(150));
            links.add(link);
            clientKeys.add(link.client.start(clientWorkers, TIMEOUT));
        }
        for (int i = 0; i < n; i++) {
            SrtpKeys client = clientKeys.get(i).get(30, TimeUnit.SECONDS);
            SrtpKeys server = links.get(i).serverKeys.get(30, TimeUnit.SECONDS);
            assertThat(server.clientKey()).isEqualTo(client.clientKey());
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(serverWorkers.peakComputing()).isEqualTo(1);
        assertThat(clientWorkers.peakComputing()).isLessThanOrEqualTo(2);
        // Serialized would be >= 20 x 600 ms = 12 s of waiting alone; side by side it is a few round trips plus the CPU.
        assertThat(elapsedMillis).isLessThan(8_000);
        assertThat(maxActive).isGreaterThanOrEqualTo(5);

        // Each handshake's trace puts the link's delay where it was spent: waiting for the peer, not computing. The client
        // needs three round trips of 300 ms (ClientHello / HelloVerifyRequest, ClientHello / ServerHello..Done, Finished /
        // Finished); the server, after the admitted ClientHello, two one-way trips less.
        for (DelayedLink link : links) {
            DtlsEndpoint.Trace client = link.client.trace();
            DtlsEndpoint.Trace server = link.server.trace();
            assertThat(client).isNotNull();
            assertThat(server).isNotNull();
            assertThat(client.peerWaitNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(850));
            assertThat(server.peerWaitNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
            for (DtlsEndpoint.Trace t : List.of(client, server)) {
                assertThat(t.turnHeldNanos()).isPositive();
                assertThat(t.threadWaitNanos() + t.turnWaitNanos() + t.turnHeldNanos() + t.peerWaitNanos())
                        .isEqualTo(t.totalNanos());
            }
        }
    }

    @Test
    void aStartedHandshakeGetsTheNextTurnBeforeANewOne() throws Exception {
        HandshakeWorkers workers = new HandshakeWorkers("test-turns", 1, 4, 0);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            assertThat(workers.acquire(false, deadline)).isTrue();
            List<String> order = new CopyOnWriteArrayList<>();
            Thread fresh = new Thread(() -> {
                if (workers.acquire(false, deadline)) {
                    order.add("fresh");
                    workers.release();
                }
            });
            fresh.start();
            awaitWaiting(workers, 1);
            Thread started = new Thread(() -> {
                if (workers.acquire(true, deadline)) {
                    order.add("started");
                    workers.release();
                }
            });
            started.start();
            awaitWaiting(workers, 2);

            workers.release();
            fresh.join(5_000);
            started.join(5_000);
            assertThat(order).containsExactly("started", "fresh");
            assertThat(workers.peakComputing()).isEqualTo(1);
            assertThat(workers.waitingForTurn()).isZero();
        } finally {
            workers.close();
        }
    }

    @Test
    void aWaitForATurnEndsAtTheDeadlineAndLeavesTheQueue() {
        HandshakeWorkers workers = new HandshakeWorkers("test-deadline", 1, 4, 0);
        try {
            assertThat(workers.acquire(false, System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isTrue();
            long before = System.nanoTime();
            assertThat(workers.acquire(false, before + TimeUnit.MILLISECONDS.toNanos(100))).isFalse();
            assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(workers.waitingForTurn()).isZero();
            // The turn still works: released and taken again at once.
            workers.release();
            assertThat(workers.acquire(false, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100))).isTrue();
        } finally {
            workers.close();
        }
    }

    @Test
    void aHandshakeThatCannotGetATurnInTimeFailsWithATimeout() throws Exception {
        HandshakeWorkers workers = new HandshakeWorkers("test-starved", 1, 4, 0);
        try {
            assertThat(workers.acquire(false, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
            DtlsEndpoint client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), datagram -> { });
            CompletableFuture<SrtpKeys> keys = client.start(workers, Duration.ofMillis(200));
            assertThatThrownBy(() -> keys.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("timed out");
        } finally {
            workers.close();
        }
    }

    @Test
    void rejectsNonsenseSizes() {
        assertThatThrownBy(() -> new HandshakeWorkers("x", 0, 4, 0)).hasMessageContaining("expected: computing >= 1");
        assertThatThrownBy(() -> new HandshakeWorkers("x", 4, 2, 0)).hasMessageContaining("maxHandshakes >= computing");
        assertThat(HandshakeWorkers.computingFor(1)).isEqualTo(1);
        assertThat(HandshakeWorkers.computingFor(2)).isEqualTo(1);
        assertThat(HandshakeWorkers.computingFor(8)).isEqualTo(4);
    }

    private static void awaitWaiting(HandshakeWorkers workers, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (workers.waitingForTurn() < n && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(workers.waitingForTurn()).isEqualTo(n);
    }

    /** A client and its server over a wire that delays every datagram; the server is made on the admitted ClientHello. */
    private final class DelayedLink {
        final DtlsCookieGate gate = new DtlsCookieGate();
        final CompletableFuture<SrtpKeys> serverKeys = new CompletableFuture<>();
        final DtlsEndpoint client;
        final long delayMillis;
        volatile DtlsEndpoint server;

        DelayedLink(Duration delay) {
            this.delayMillis = delay.toMillis();
            this.client = DtlsEndpoint.client(CLIENT, SERVER.fingerprint(), d -> later(() -> toServer(d)));
        }

        private void later(Runnable r) {
            wire.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        }

        private void toClient(byte[] d) {
            later(() -> client.receive(d, 0, d.length));
        }

        private synchronized void toServer(byte[] datagram) {
            if (server != null) {
                server.receive(datagram, 0, datagram.length);
                return;
            }
            DtlsCookieGate.Admission admission = gate.admit(new byte[] {127, 0, 0, 1, 1, 2}, datagram, 0, datagram.length,
                    this::toClient);
            if (admission == null) {
                return;
            }
            server = DtlsEndpoint.server(SERVER, CLIENT.fingerprint(), this::toClient, admission);
            server.start(serverWorkers, TIMEOUT).whenComplete((k, e) -> {
                if (e != null) {
                    serverKeys.completeExceptionally(e);
                } else {
                    serverKeys.complete(k);
                }
            });
            maxActive = Math.max(maxActive, serverWorkers.active());
        }
    }
}
