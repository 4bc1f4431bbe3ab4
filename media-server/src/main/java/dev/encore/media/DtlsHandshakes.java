package dev.encore.media;

import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsException;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.dtls.HandshakeWorkers;
import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * DTLS-SRTP server handshakes (RFC 5764) on {@link HandshakeWorkers}: BouncyCastle's handshake blocks a thread, so each
 * runs on its own pool thread (at most {@link #MAX_HANDSHAKES} at once, at most {@code queue} more waiting), but computes
 * only while it holds one of a few CPU turns and gives its turn back while it waits for the client's next flight. So a
 * join storm's handshakes wait for their clients side by side instead of queueing behind each other, and the cores left
 * over stay with the media event loops. Each has a timeout. A ClientHello only gets here after the stateless cookie
 * exchange and only from an address that passed an authenticated ICE check.
 *
 * <p>Threads: {@link #start} is called by a media event loop; completion runs on a pool thread.
 */
final class DtlsHandshakes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsHandshakes.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Handshakes waiting for a thread; beyond this a ClientHello is refused (the client re-sends it). */
    static final int QUEUE = 1024;
    /**
     * Handshakes in progress at once, so pool threads; more wait in the queue without having answered their ClientHello.
     * Most of those in progress wait for their client (a parked thread costs a stack and nothing else), but not too many:
     * BouncyCastle re-sends a flight whose answer is late (after 1 s, then 2 s, ...), so thousands in progress on a busy
     * machine multiplied the datagrams and starved the fan-out (3,000 listeners over 60 s: 3 % loss with 1,024, see
     * docs/benchmarks.md). Overridable with {@code -Dencore.dtls.inProgress=N}.
     */
    static final int MAX_HANDSHAKES = Integer.getInteger("encore.dtls.inProgress", 128);

    /**
     * CPU turns for {@code cores} cores ({@link HandshakeWorkers#computingFor}). Before turns existed the pool's size was
     * both the CPU bound and the waiting bound: at 2 x cores a 2,000-listener ramp on a busy machine queued handshakes
     * into timeouts, above 4 x cores bursts took the CPU from the media event loops (2,000 listeners over 60 s with 16
     * threads: fan-out delay p99 ~1 s during the ramp).
     */
    static int computingFor(int cores) {
        return HandshakeWorkers.computingFor(cores);
    }

    private final DtlsIdentity identity;
    private final PeerTable peers;
    private final MediaMetrics metrics;
    private final HandshakeWorkers pool;
    private final Duration timeout;
    private final LongSupplier nanoClock;

    DtlsHandshakes(DtlsIdentity identity, PeerTable peers, MediaMetrics metrics, int computing, int queue, Duration timeout) {
        this(identity, peers, metrics, computing, queue, timeout, System::nanoTime);
    }

    DtlsHandshakes(DtlsIdentity identity, PeerTable peers, MediaMetrics metrics, int computing, int queue, Duration timeout,
            LongSupplier nanoClock) {
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.identity = requireNonNull(identity, "identity");
        this.peers = requireNonNull(peers, "peers");
        this.metrics = requireNonNull(metrics, "metrics");
        this.timeout = requireNonNull(timeout, "timeout");
        this.pool = new HandshakeWorkers("encore-dtls", computing, Math.max(computing, MAX_HANDSHAKES), queue);
        metrics.dtlsPool(pool::active, pool::waitingForTurn);
    }

    /** Starts the server handshake for {@code session} with the admitted ClientHello from {@code from}. */
    void start(PeerSession session, DtlsCookieGate.Admission admission, InetSocketAddress from, FanoutShard shard) {
        session.dtlsFrom(from, shard);
        DtlsEndpoint endpoint = DtlsEndpoint.server(identity, session.remoteFingerprint(), session::sendDtls, admission);
        if (!session.dtls(endpoint)) {
            endpoint.close();
            return;
        }
        CompletableFuture<SrtpKeys> done;
        try {
            done = endpoint.start(pool, timeout);
        } catch (RejectedExecutionException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((keys, error) -> {
            if (error != null) {
                fail(session, error);
            } else {
                connected(session, keys, endpoint.trace());
            }
        });
    }

    private void connected(PeerSession session, SrtpKeys keys, DtlsEndpoint.Trace trace) {
        FanoutShard shard = session.mediaShard();
        SrtpSession srtp;
        try {
            srtp = SrtpSession.forServer(keys);
        } catch (RuntimeException e) {
            fail(session, e);
            return;
        }
        if (session.publisher()) {
            Producer producer = new Producer(session, shard, srtp, session.opusPayloadType(), session.announcedSsrc(), metrics,
                    nanoClock);
            if (!session.connectPublisher(producer)) {
                producer.close();
                return;
            }
            producer.start();
            metrics.dtlsHandshake(trace);
            return;
        }
        Consumer consumer = new Consumer(session.sessionId(), shard, SrtpTransform.of(srtp), session.opusPayloadType(),
                session.mediaAddress(), session.createdNanos());
        if (!session.connect(consumer)) {
            srtp.close();
            return;
        }
        metrics.dtlsHandshake(trace);
    }

    private void fail(PeerSession session, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason = reason(cause);
        if (reason.equals("queue_full")) {
            metrics.drop(DropReason.DTLS_QUEUE_FULL);
        }
        metrics.dtlsFailure(reason);
        LOG.debug("DTLS handshake failed for {}: {}", session, reason);
        session.markDtlsFailed();
        peers.remove(session, SessionEndReason.DTLS_FAILED);
    }

    /** A short label for a failed handshake, for the {@code reason} label. */
    static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof RejectedExecutionException) {
                return "queue_full";
            }
            if (t instanceof TimeoutException) {
                return "timeout";
            }
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("timeout") || message.contains("timed out")) {
            return "timeout";
        }
        if (message.contains("fingerprint") || message.contains("certificate")) {
            return "certificate";
        }
        if (message.contains("srtp")) {
            return "srtp_profile";
        }
        if (message.contains("alert")) {
            return "alert";
        }
        if (message.contains("closed")) {
            return "closed";
        }
        return cause instanceof DtlsException ? "other" : "error";
    }

    @Override
    public void close() {
        pool.close();
    }
}
