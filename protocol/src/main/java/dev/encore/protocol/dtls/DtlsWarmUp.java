package dev.encore.protocol.dtls;

import dev.encore.protocol.srtp.SrtpKeys;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whole DTLS-SRTP handshakes between a {@link DtlsEndpoint} client and server in memory, one after the other, to get the
 * JIT to compile BouncyCastle's handshake and EC code before real peers arrive. Cold, the first hundreds of handshakes
 * run several times slower than warm ones (the C2 compiler is busy with {@code BigInteger} and the P-256 field code),
 * which a join storm that starts in the first seconds of a process would pay in time to first audio.
 *
 * <p>Opens no socket. Each call uses two threads of its own, stopped before it returns.
 */
public final class DtlsWarmUp {
    private static final byte[] PEER = {127, 0, 0, 1, 0, 1};

    private DtlsWarmUp() {
    }

    /**
     * Runs up to {@code handshakes} handshakes, stopping early when {@code budget} has passed.
     *
     * @return the handshakes completed
     */
    public static int run(int handshakes, Duration budget) {
        if (handshakes <= 0) {
            return 0;
        }
        DtlsIdentity server = DtlsIdentity.generate();
        DtlsIdentity client = DtlsIdentity.generate();
        DtlsCookieGate gate = new DtlsCookieGate();
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "encore-dtls-warm-up");
            t.setDaemon(true);
            return t;
        });
        long deadline = System.nanoTime() + budget.toNanos();
        int done = 0;
        try {
            while (done < handshakes && System.nanoTime() - deadline < 0) {
                if (!once(server, client, gate, pool)) {
                    break;
                }
                done++;
            }
        } finally {
            pool.shutdownNow();
        }
        return done;
    }

    private static boolean once(DtlsIdentity serverId, DtlsIdentity clientId, DtlsCookieGate gate, ExecutorService pool) {
        CompletableFuture<SrtpKeys> serverKeys = new CompletableFuture<>();
        DtlsEndpoint[] server = new DtlsEndpoint[1];
        DtlsEndpoint[] client = new DtlsEndpoint[1];
        Object lock = new Object();
        client[0] = DtlsEndpoint.client(clientId, serverId.fingerprint(), datagram -> {
            synchronized (lock) {
                if (server[0] != null) {
                    server[0].receive(datagram, 0, datagram.length);
                    return;
                }
                DtlsCookieGate.Admission admission = gate.admit(PEER, datagram, 0, datagram.length,
                        reply -> client[0].receive(reply, 0, reply.length));
                if (admission != null) {
                    server[0] = DtlsEndpoint.server(serverId, clientId.fingerprint(), d -> client[0].receive(d, 0, d.length),
                            admission);
                    server[0].start(pool, Duration.ofSeconds(10)).whenComplete((k, e) -> {
                        if (e != null) {
                            serverKeys.completeExceptionally(e);
                        } else {
                            serverKeys.complete(k);
                        }
                    });
                }
            }
        });
        try {
            client[0].start(pool, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            serverKeys.get(15, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            client[0].close();
            synchronized (lock) {
                if (server[0] != null) {
                    server[0].close();
                }
            }
        }
    }
}
