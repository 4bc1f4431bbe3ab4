package dev.encore.protocol.dtls;

import dev.encore.protocol.srtp.SrtpKeys;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One side of a DTLS 1.2 handshake with the use_srtp extension (RFC 5764), over BouncyCastle. It does no I/O of its own:
 * datagrams from the peer are fed in with {@link #receive}, datagrams for the peer go out through the {@code out} callback.
 * BouncyCastle's handshake blocks, so it runs on the executor given to {@link #start} (a bounded pool), with a timeout.
 *
 * <p>Thread-safety: {@link #receive} may be called from any thread (an I/O event loop); it never blocks and drops datagrams
 * when its bounded queue is full. Keep feeding DTLS datagrams after the handshake: BouncyCastle re-sends its last flight from
 * inside its receive loop.
 */
public final class DtlsEndpoint implements AutoCloseable {

    /**
     * The server (passive) side; the peer's certificate is requested and must match {@code expectedPeer}.
     *
     * @param admission the ClientHello that passed the {@link DtlsCookieGate}
     */
    public static DtlsEndpoint server(DtlsIdentity identity, Fingerprint expectedPeer, Consumer<byte[]> out,
            DtlsCookieGate.Admission admission) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The client (active) side; the server's certificate must match {@code expectedPeer}. */
    public static DtlsEndpoint client(DtlsIdentity identity, Fingerprint expectedPeer, Consumer<byte[]> out) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Feeds one datagram from the peer. Never blocks, never throws. */
    public void receive(byte[] data, int off, int len) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Runs the handshake on {@code executor}; completes with the exported SRTP keys, or exceptionally with a
     * {@link DtlsException} (timeout, bad certificate, fingerprint mismatch, no common SRTP profile, alert).
     */
    public CompletableFuture<SrtpKeys> start(Executor executor, Duration timeout) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Sends close_notify if connected and frees the handshake thread if it is still waiting. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
