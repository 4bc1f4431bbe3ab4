package dev.encore.media;

import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsException;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * DTLS-SRTP server handshakes (RFC 5764) on a bounded pool: BouncyCastle's handshake blocks a thread, so at most
 * {@code threads} run at once, at most {@code queue} wait, and each has a timeout. A ClientHello only gets here after the
 * stateless cookie exchange and only from an address that passed an authenticated ICE check.
 *
 * <p>Threads: {@link #start} is called by a media event loop; completion runs on a pool thread.
 */
final class DtlsHandshakes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsHandshakes.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Handshakes waiting for a thread; beyond this a ClientHello is refused (the client re-sends it). */
    static final int QUEUE = 1024;

    /**
     * Pool threads for {@code cores} cores. A handshake costs a few ms of CPU but holds its thread for two round trips to
     * the client (whose own handshake thread and event loop must be scheduled): at 2 x cores a 2,000-listener ramp on a
     * busy machine queued handshakes into timeouts. More threads than 4 x cores let bursts of handshakes take the CPU from
     * the media event loops (measured: 16 threads, 2,000 listeners over 60 s, fan-out delay p99 ~1 s during the ramp;
     * 8 threads, 0.5 s, all joined).
     */
    static int threadsFor(int cores) {
        return Math.max(8, 4 * cores);
    }

    private final DtlsIdentity identity;
    private final PeerTable peers;
    private final MediaMetrics metrics;
    private final ThreadPoolExecutor pool;
    private final Duration timeout;
    private final LongSupplier nanoClock;

    DtlsHandshakes(DtlsIdentity identity, PeerTable peers, MediaMetrics metrics, int threads, int queue, Duration timeout) {
        this(identity, peers, metrics, threads, queue, timeout, System::nanoTime);
    }

    DtlsHandshakes(DtlsIdentity identity, PeerTable peers, MediaMetrics metrics, int threads, int queue, Duration timeout,
            LongSupplier nanoClock) {
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.identity = requireNonNull(identity, "identity");
        this.peers = requireNonNull(peers, "peers");
        this.metrics = requireNonNull(metrics, "metrics");
        this.timeout = requireNonNull(timeout, "timeout");
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "encore-dtls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
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
                connected(session, keys);
            }
        });
    }

    private void connected(PeerSession session, SrtpKeys keys) {
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
            metrics.dtlsHandshake();
            return;
        }
        Consumer consumer = new Consumer(session.sessionId(), shard, SrtpTransform.of(srtp), session.opusPayloadType(),
                session.mediaAddress(), session.createdNanos());
        if (!session.connect(consumer)) {
            srtp.close();
            return;
        }
        metrics.dtlsHandshake();
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
        pool.shutdownNow();
    }
}
