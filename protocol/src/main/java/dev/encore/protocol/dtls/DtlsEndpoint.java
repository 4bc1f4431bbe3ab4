package dev.encore.protocol.dtls;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpProfile;
import dev.encore.protocol.srtp.SrtpSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a DTLS 1.2 handshake with the use_srtp extension (RFC 5764), over BouncyCastle. It does no I/O of its own:
 * datagrams from the peer are fed in with {@link #receive}, datagrams for the peer go out through the {@code out} callback.
 * BouncyCastle's handshake blocks, so it runs on the executor given to {@link #start} (a bounded pool), with a timeout.
 * Given {@link HandshakeWorkers}, the handshake computes only while it holds one of their CPU turns and gives it back while
 * it waits for the peer, so many handshakes can wait on few cores.
 *
 * <p>Thread-safety: {@link #receive} may be called from any thread (an I/O event loop); it never blocks and drops datagrams
 * when its bounded queue is full. Keep feeding DTLS datagrams after the handshake: BouncyCastle re-sends its last flight from
 * inside its receive loop.
 *
 * <h2>Threads: a pool of N threads serves any number of sessions</h2>
 * During the handshake one executor thread is blocked in BouncyCastle's {@code accept}/{@code connect}, pulling datagrams
 * from the bounded inbox, for at most the timeout given to {@link #start}. When the handshake completes the thread is
 * returned to the pool at once: the endpoint holds no thread afterwards. Datagrams that arrive later (in WebRTC: the
 * client's final flight re-sent because our Finished was lost, a close_notify, an alert) are processed <em>inline</em> by
 * the thread that calls {@link #receive}: it runs BouncyCastle's record layer over the queued datagrams with a transport
 * that never waits (an empty inbox ends the pass), so the call stays non-blocking and costs one record decryption. In that
 * pass BouncyCastle re-sends our last flight when it sees the peer's retransmission (RFC 6347 §4.2.4), for as long as it
 * keeps that flight (2 × MSL = 4 minutes, or until the peer sends a record in the new epoch). One pass runs at a time; a
 * concurrent caller leaves its datagram queued for the pass in progress. This was chosen over "keep the handshake thread
 * reading for a while", which would pin pool threads to idle sessions and let a join storm starve new handshakes.
 *
 * <p>The {@code out} callback is called from the handshake thread, from a thread calling {@link #receive} (after the
 * handshake) or from the thread calling {@link #close}: it must be thread-safe and must not block (in Netty: write and flush
 * on the channel, which hands over to its event loop).
 *
 * <p>Only DTLS-SRTP keying is supported: application data (data channels) arriving after the handshake is discarded.
 */
public final class DtlsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsEndpoint.class);

    /** Datagrams buffered between the I/O thread and the handshake; a handshake flight is a handful of datagrams. */
    static final int INBOX_CAPACITY = 64;
    /** Larger than any Ethernet-MTU datagram, so a peer with a bigger MTU than ours still gets through. */
    private static final int RECEIVE_LIMIT = 1500;
    /** Our records stay under the 1200-byte payload WebRTC stacks assume safe for UDP (RFC 8831 §5 uses the same bound). */
    private static final int SEND_LIMIT = 1200;
    private static final int[] CIPHER_SUITES = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
    /** A datagram that wakes the handshake thread when the endpoint is closed; compared by identity. */
    private static final byte[] WAKE_UP = new byte[0];

    private enum State { NEW, HANDSHAKING, CONNECTED, CLOSED }

    private final boolean isServer;
    private final DtlsIdentity identity;
    private final Fingerprint expectedPeer;
    private final Consumer<byte[]> out;
    private final DTLSRequest request;
    private final ArrayBlockingQueue<byte[]> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
    private final Transport transport = new Transport();
    /** Guards {@link #state} and {@link #dtls}. */
    private final Object stateLock = new Object();
    /** Serializes use of the connected {@link #dtls} (the post-handshake pass and close). */
    private final Object dtlsLock = new Object();

    private State state = State.NEW;
    /** The CPU turns of the {@link HandshakeWorkers} running the handshake, or null for a plain executor. */
    private volatile HandshakeWorkers turns;
    /** Whether the handshake thread holds a CPU turn; that thread's only. */
    private boolean holdingTurn;
    private DTLSTransport dtls;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile long deadlineNanos;
    private volatile Duration timeout = Duration.ZERO;
    /** Why our side aborted the handshake, set just before raising the alert, so the future says more than "alert 42". */
    private volatile String failure;
    private volatile SrtpKeys exported;
    /** The description of a fatal alert from the peer, or -1. */
    private volatile short fatalAlertReceived = -1;
    /** Where the handshake's time went ({@link #trace}); written by the starting thread, then the handshake thread. */
    private volatile long startedNanos = -1;
    private volatile long threadNanos = -1;
    private volatile long turnWaitNanos;
    private volatile long computeNanos;
    private volatile long doneNanos = -1;
    /** When the held turn was taken; handshake thread only. */
    private long turnTakenNanos;

    private DtlsEndpoint(boolean isServer, DtlsIdentity identity, Fingerprint expectedPeer, Consumer<byte[]> out,
            DTLSRequest request) {
        this.isServer = isServer;
        this.identity = requireNonNull(identity, "identity");
        this.expectedPeer = requireNonNull(expectedPeer, "expectedPeer");
        this.out = requireNonNull(out, "out");
        this.request = request;
    }

    /**
     * The server (passive) side; the peer's certificate is requested and must match {@code expectedPeer}.
     *
     * @param admission the ClientHello that passed the {@link DtlsCookieGate} (the handshake starts from it: do not also feed
     *     that datagram to {@link #receive}); null to skip the cookie exchange and answer
     *     the first ClientHello fed to {@link #receive} (only where the peer's address is already authenticated, e.g. by ICE)
     */
    public static DtlsEndpoint server(DtlsIdentity identity, Fingerprint expectedPeer, Consumer<byte[]> out,
            DtlsCookieGate.Admission admission) {
        DTLSRequest request = null;
        if (admission != null) {
            if (!(admission instanceof DtlsCookieGate.Admitted admitted)) {
                throw new IllegalArgumentException("admission: " + admission.getClass() + " (expected: one from DtlsCookieGate)");
            }
            request = admitted.request();
        }
        return new DtlsEndpoint(true, identity, expectedPeer, out, request);
    }

    /** The client (active) side; the server's certificate must match {@code expectedPeer}. */
    public static DtlsEndpoint client(DtlsIdentity identity, Fingerprint expectedPeer, Consumer<byte[]> out) {
        return new DtlsEndpoint(false, identity, expectedPeer, out, null);
    }

    /** Feeds one datagram from the peer. Never blocks, never throws. */
    public void receive(byte[] data, int off, int len) {
        if (closed || data == null || off < 0 || len <= 0 || off > data.length - len) {
            return;
        }
        if (!inbox.offer(Arrays.copyOfRange(data, off, off + len))) {
            dropped.incrementAndGet();
            return;
        }
        if (connected) {
            drainAfterHandshake();
        }
    }

    /**
     * Runs the handshake on {@code executor}; completes with the exported SRTP keys, or exceptionally with a
     * {@link DtlsException} (timeout, bad certificate, fingerprint mismatch, no common SRTP profile, alert). The timeout
     * counts from this call, so time spent waiting for a free pool thread counts too.
     *
     * @throws IllegalStateException if called twice
     */
    public CompletableFuture<SrtpKeys> start(Executor executor, Duration timeout) {
        requireNonNull(executor, "executor");
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        synchronized (stateLock) {
            if (state == State.CLOSED) {
                return keys;
            }
            if (state != State.NEW) {
                throw new IllegalStateException("start: called twice (expected: once per endpoint)");
            }
            state = State.HANDSHAKING;
        }
        this.timeout = timeout;
        this.startedNanos = System.nanoTime();
        this.deadlineNanos = startedNanos + timeout.toNanos();
        this.turns = executor instanceof HandshakeWorkers workers ? workers : null;
        try {
            executor.execute(this::handshake);
        } catch (RejectedExecutionException e) {
            fail(new DtlsException("DTLS handshake rejected by the handshake pool (expected: a free slot)", e));
        }
        return keys;
    }

    /** True once the endpoint is closed, by {@link #close}, by a failed handshake, or by the peer (close_notify, alert). */
    public boolean isClosed() {
        return closed;
    }

    /** Datagrams dropped because the inbox was full. */
    public long droppedDatagrams() {
        return dropped.get();
    }

    /** Sends close_notify if connected and frees the handshake thread if it is still waiting. Idempotent. */
    @Override
    public void close() {
        DTLSTransport connectedTransport;
        synchronized (stateLock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            connectedTransport = dtls;
        }
        closed = true;
        inbox.clear();
        inbox.offer(WAKE_UP);
        if (connectedTransport != null) {
            synchronized (dtlsLock) {
                try {
                    connectedTransport.close();
                } catch (IOException e) {
                    LOG.debug("DTLS close_notify not sent: {}", e.toString());
                }
            }
        }
        keys.completeExceptionally(new DtlsException("DTLS endpoint closed before the handshake completed"));
    }

    private void handshake() {
        threadNanos = System.nanoTime();
        try {
            DTLSTransport established;
            takeTurn(false);
            try {
                if (isServer) {
                    DTLSServerProtocol protocol = new DTLSServerProtocol();
                    SrtpServer server = new SrtpServer(remainingMillis());
                    if (request == null) {
                        protocol.setVerifyRequests(false);
                        established = protocol.accept(server, transport);
                    } else {
                        established = protocol.accept(server, transport, request);
                    }
                } else {
                    established = new DTLSClientProtocol().connect(new SrtpClient(remainingMillis()), transport);
                }
            } finally {
                giveTurnBack();
                doneNanos = System.nanoTime();
            }
            SrtpKeys result = exported;
            if (result == null) {
                throw new IOException("handshake completed without exporting SRTP keys");
            }
            synchronized (stateLock) {
                if (state == State.CLOSED) {
                    // close() raced with the last flight: it found no transport to close, so say goodbye here.
                    established.close();
                    return;
                }
                dtls = established;
                state = State.CONNECTED;
            }
            connected = true;
            keys.complete(result);
            drainAfterHandshake();
        } catch (IOException | RuntimeException e) {
            fail(describe(e));
        }
    }

    /**
     * With {@link HandshakeWorkers}, waits for a CPU turn before BouncyCastle computes; see that class. Called by the
     * handshake thread only.
     */
    private void takeTurn(boolean started) throws TlsTimeoutException {
        HandshakeWorkers workers = turns;
        if (workers == null || holdingTurn) {
            return;
        }
        long asked = System.nanoTime();
        if (!workers.acquire(started, deadlineNanos)) {
            throw new TlsTimeoutException(closed ? "DTLS endpoint closed while waiting for a CPU turn"
                    : "DTLS handshake waited for a CPU turn past its deadline");
        }
        turnTakenNanos = System.nanoTime();
        turnWaitNanos += turnTakenNanos - asked;
        holdingTurn = true;
    }

    /** Gives the CPU turn back while the handshake waits for the peer, or when it is over. Handshake thread only. */
    private void giveTurnBack() {
        if (holdingTurn) {
            holdingTurn = false;
            computeNanos += System.nanoTime() - turnTakenNanos;
            turns.release();
        }
    }

    /**
     * Where a finished handshake's time went, or null before it finished (or when it ran on a plain executor, the turn
     * figures are 0).
     */
    public Trace trace() {
        long done = doneNanos;
        if (done < 0 || threadNanos < 0) {
            return null;
        }
        return new Trace(threadNanos - startedNanos, turnWaitNanos, computeNanos, done - startedNanos);
    }

    /**
     * One handshake's time, in nanoseconds.
     *
     * @param threadWaitNanos from {@link #start} until a handshake thread took it
     * @param turnWaitNanos waiting for CPU turns ({@link HandshakeWorkers})
     * @param turnHeldNanos holding a turn: computing (or, on a busy machine, runnable but not running)
     * @param totalNanos from {@link #start} until BouncyCastle finished; the rest is waiting for the peer
     */
    public record Trace(long threadWaitNanos, long turnWaitNanos, long turnHeldNanos, long totalNanos) {
        /** Waiting for the peer's flights (and their retransmissions). */
        public long peerWaitNanos() {
            return Math.max(0, totalNanos - threadWaitNanos - turnWaitNanos - turnHeldNanos);
        }
    }

    private int remainingMillis() throws TlsTimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remaining <= 0) {
            throw new TlsTimeoutException("DTLS handshake waited for a pool thread past its deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    private void fail(DtlsException e) {
        synchronized (stateLock) {
            state = State.CLOSED;
        }
        closed = true;
        inbox.clear();
        if (keys.completeExceptionally(e)) {
            LOG.debug("DTLS {} handshake failed: {}", isServer ? "server" : "client", e.getMessage());
        }
    }

    private DtlsException describe(Exception e) {
        String why = failure;
        if (why != null) {
            return new DtlsException(why, e);
        }
        if (closed) {
            return new DtlsException("DTLS endpoint closed before the handshake completed", e);
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsException("DTLS handshake timed out after " + timeout.toMillis()
                    + " ms (expected: the peer completes the handshake in time)", e);
        }
        // bctls 1.79 reports a received fatal alert as TlsFatalAlert; later versions as TlsFatalAlertReceived.
        short peerAlert = e instanceof TlsFatalAlertReceived received ? received.getAlertDescription() : fatalAlertReceived;
        if (peerAlert >= 0) {
            return new DtlsException("DTLS peer aborted the handshake with alert " + AlertDescription.getText(peerAlert), e);
        }
        if (e instanceof TlsFatalAlert alert) {
            return new DtlsException("DTLS handshake failed with alert " + AlertDescription.getText(alert.getAlertDescription())
                    + (alert.getMessage() == null ? "" : ": " + alert.getMessage()), e);
        }
        return new DtlsException("DTLS handshake failed: " + e, e);
    }

    /**
     * Runs BouncyCastle's record layer over the queued datagrams on the calling thread, one caller at a time; see the class
     * comment. The transport throws {@link InboxEmpty} instead of waiting, which ends the pass.
     */
    private void drainAfterHandshake() {
        while (!closed && !inbox.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                synchronized (dtlsLock) {
                    DTLSTransport connectedTransport = dtls;
                    byte[] buf = new byte[RECEIVE_LIMIT];
                    while (!closed) {
                        // A non-negative result is application data, which DTLS-SRTP does not use: discard it.
                        connectedTransport.receive(buf, 0, buf.length, 1);
                    }
                }
            } catch (InboxEmpty e) {
                // The pass is over.
            } catch (IOException | RuntimeException e) {
                LOG.debug("DTLS connection ended by the peer: {}", e.toString());
                closed = true;
            } finally {
                if (closed) {
                    inbox.clear();
                }
                draining.set(false);
            }
        }
    }

    private void checkPeerCertificate(Certificate certificate) throws IOException {
        if (certificate == null || certificate.isEmpty()) {
            throw abort(AlertDescription.bad_certificate,
                    "DTLS peer sent no certificate (expected: one matching a=fingerprint " + expectedPeer.toSdp() + ")");
        }
        byte[] der = certificate.getCertificateAt(0).getEncoded();
        if (!expectedPeer.matches(der)) {
            throw abort(AlertDescription.bad_certificate, "DTLS peer certificate does not match the SDP fingerprint: "
                    + Fingerprint.of(expectedPeer.algorithm(), der).toSdp() + " (expected: " + expectedPeer.toSdp() + ")");
        }
    }

    private TlsFatalAlert abort(short alertDescription, String why) {
        failure = why;
        return new TlsFatalAlert(alertDescription, why);
    }

    /** Our use_srtp profiles, best first: GCM only where jitsi-srtp runs it natively (see SrtpSession#preferredProfile). */
    private static SrtpProfile[] offeredProfiles() {
        return SrtpSession.preferredProfile() == SrtpProfile.AEAD_AES_128_GCM
                ? new SrtpProfile[] {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80}
                : new SrtpProfile[] {SrtpProfile.AES_CM_128_HMAC_SHA1_80};
    }

    private static String ids(int[] profiles) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < profiles.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%04x", profiles[i]));
        }
        return sb.append(']').toString();
    }

    private static String names(SrtpProfile[] profiles) {
        return Arrays.toString(profiles);
    }

    /** Exports the SRTP master keys and salts, RFC 5764 §4.2: client key | server key | client salt | server salt. */
    private void exportKeys(TlsContext context, SrtpProfile profile) {
        int keyLength = profile.keyLength();
        int saltLength = profile.saltLength();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (keyLength + saltLength));
        int o = 0;
        byte[] clientKey = Arrays.copyOfRange(material, o, o += keyLength);
        byte[] serverKey = Arrays.copyOfRange(material, o, o += keyLength);
        byte[] clientSalt = Arrays.copyOfRange(material, o, o += saltLength);
        byte[] serverSalt = Arrays.copyOfRange(material, o, o + saltLength);
        Arrays.fill(material, (byte) 0);
        exported = new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt);
    }

    private void noteAlertReceived(short alertLevel, short alertDescription) {
        if (alertLevel == AlertLevel.fatal) {
            fatalAlertReceived = alertDescription;
        }
        if (connected && (alertLevel == AlertLevel.fatal || alertDescription == AlertDescription.close_notify)) {
            closed = true;
        }
    }

    /** The server side: DTLS 1.2 only, ECDHE-ECDSA with AES-128-GCM, client certificate required, use_srtp. */
    private final class SrtpServer extends DefaultTlsServer {
        private final int handshakeTimeoutMillis;
        private SrtpProfile selected;

        SrtpServer(int handshakeTimeoutMillis) {
            super(identity.crypto());
            this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES.clone();
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() {
            return identity.signerFor(context);
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // Without a CertificateRequest a browser sends no certificate and its a=fingerprint cannot be checked.
            Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
            algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            checkPeerCertificate(clientCertificate);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null) {
                throw abort(AlertDescription.handshake_failure,
                        "DTLS ClientHello has no use_srtp extension (expected: DTLS-SRTP, RFC 5764)");
            }
            SrtpProfile[] ours = offeredProfiles();
            for (SrtpProfile profile : ours) {
                for (int id : offered.getProtectionProfiles()) {
                    if (id == profile.id()) {
                        selected = profile;
                        return;
                    }
                }
            }
            throw abort(AlertDescription.handshake_failure, "no common SRTP profile: peer offered "
                    + ids(offered.getProtectionProfiles()) + " (expected one of " + names(ours) + ")");
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            // RFC 5764 §4.1.1: exactly one profile in the answer; we use no MKI.
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {selected.id()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context, selected);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            noteAlertReceived(alertLevel, alertDescription);
        }
    }

    /** The client side: the mirror of {@link SrtpServer}, presenting our certificate when asked. */
    private final class SrtpClient extends DefaultTlsClient {
        private final int handshakeTimeoutMillis;
        private final SrtpProfile[] offered = offeredProfiles();
        private SrtpProfile selected;

        SrtpClient(int handshakeTimeoutMillis) {
            super(identity.crypto());
            this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return CIPHER_SUITES.clone();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
            int[] ids = new int[offered.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = offered[i].id();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData answer = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (answer == null) {
                throw abort(AlertDescription.handshake_failure,
                        "DTLS server did not accept use_srtp (expected: one of " + names(offered) + ")");
            }
            int[] ids = answer.getProtectionProfiles();
            if (ids.length == 1) {
                for (SrtpProfile profile : offered) {
                    if (profile.id() == ids[0]) {
                        selected = profile;
                    }
                }
            }
            if (selected == null || answer.getMki().length != 0) {
                throw abort(AlertDescription.illegal_parameter, "DTLS server chose SRTP profile " + ids(ids)
                        + (answer.getMki().length != 0 ? " with an MKI" : "") + " (expected: one of " + names(offered)
                        + ", no MKI, RFC 5764 §4.1.1)");
            }
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    checkPeerCertificate(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                    return identity.signerFor(context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context, selected);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            noteAlertReceived(alertLevel, alertDescription);
        }
    }

    /** Ends a post-handshake pass instead of waiting; an InterruptedIOException passes through BouncyCastle untouched. */
    private static final class InboxEmpty extends InterruptedIOException {
        private static final long serialVersionUID = 1L;
        static final InboxEmpty INSTANCE = new InboxEmpty();

        private InboxEmpty() {
            super("inbox empty");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** BouncyCastle's view of the inbox and the {@code out} callback. */
    private final class Transport implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] datagram;
            if (connected) {
                datagram = closed ? null : inbox.poll();
                if (datagram == null || datagram == WAKE_UP) {
                    throw InboxEmpty.INSTANCE;
                }
            } else {
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    throw new TlsTimeoutException("DTLS handshake deadline passed");
                }
                long waitNanos = waitMillis <= 0 ? remainingNanos : Math.min(TimeUnit.MILLISECONDS.toNanos(waitMillis),
                        remainingNanos);
                datagram = inbox.poll();
                if (datagram == null) {
                    // Waiting for the peer: another handshake may compute meanwhile.
                    giveTurnBack();
                    try {
                        datagram = inbox.poll(waitNanos, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("DTLS handshake thread interrupted");
                    }
                    takeTurn(true);
                }
                if (datagram == null) {
                    return -1;
                }
            }
            if (datagram == WAKE_UP || closed) {
                throw new TlsFatalAlert(AlertDescription.user_canceled, "DTLS endpoint closed");
            }
            int n = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            try {
                out.accept(Arrays.copyOfRange(buf, off, off + len));
            } catch (RuntimeException e) {
                throw new IOException("DTLS out callback failed", e);
            }
        }

        @Override
        public void close() {
            // The endpoint's own state says whether it is closed; nothing to release here.
        }
    }
}
