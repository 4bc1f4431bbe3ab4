package dev.encore.benchmarks;

import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.srtp.SrtpKeys;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole DTLS-SRTP handshake (RFC 5764: cookie exchange, ECDHE-ECDSA P-256, mutual certificates, SRTP key export), the
 * server and the client of {@link DtlsEndpoint} talking in memory. Every listener costs one on each side: this figure,
 * with the fan-out's, bounds how fast a join storm can be served on a machine.
 *
 * <p>The two sides take turns (each flight waits for the other's), so the time per operation is about the sum of both
 * sides' CPU, plus the hand-offs between their threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class DtlsHandshakeBenchmark {
    private static final byte[] CLIENT_ADDRESS = {127, 0, 0, 1, 0x13, (byte) 0x88};
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private DtlsIdentity server;
    private DtlsIdentity client;
    private DtlsCookieGate gate;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        server = DtlsIdentity.generate();
        client = DtlsIdentity.generate();
        gate = new DtlsCookieGate();
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dtls-bench");
            t.setDaemon(true);
            return t;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public SrtpKeys handshake() throws Exception {
        Pair pair = new Pair();
        SrtpKeys keys = pair.client.start(pool, TIMEOUT).get(10, TimeUnit.SECONDS);
        pair.serverKeys.get(10, TimeUnit.SECONDS);
        pair.client.close();
        pair.server.close();
        return keys;
    }

    /** A client and the server it creates on its admitted ClientHello, linked by direct calls. */
    private final class Pair {
        final CompletableFuture<SrtpKeys> serverKeys = new CompletableFuture<>();
        final DtlsEndpoint client;
        volatile DtlsEndpoint server;

        Pair() {
            client = DtlsEndpoint.client(DtlsHandshakeBenchmark.this.client, server().fingerprint(), this::toServer);
        }

        private DtlsIdentity server() {
            return DtlsHandshakeBenchmark.this.server;
        }

        private void toServer(byte[] datagram) {
            DtlsEndpoint s = server;
            if (s != null) {
                s.receive(datagram, 0, datagram.length);
                return;
            }
            synchronized (this) {
                if (server != null) {
                    server.receive(datagram, 0, datagram.length);
                    return;
                }
                DtlsCookieGate.Admission admission = gate.admit(CLIENT_ADDRESS, datagram, 0, datagram.length,
                        reply -> client.receive(reply, 0, reply.length));
                if (admission != null) {
                    DtlsEndpoint created = DtlsEndpoint.server(server(), DtlsHandshakeBenchmark.this.client.fingerprint(),
                            d -> client.receive(d, 0, d.length), admission);
                    server = created;
                    created.start(pool, TIMEOUT).whenComplete((k, e) -> {
                        if (e != null) {
                            serverKeys.completeExceptionally(e);
                        } else {
                            serverKeys.complete(k);
                        }
                    });
                }
            }
        }
    }
}
