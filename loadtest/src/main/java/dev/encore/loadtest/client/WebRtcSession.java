package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import dev.encore.protocol.demux.PacketKind;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.sdp.AudioAnswer;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.protocol.stun.StunException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a listener ({@link WebRtcListener}) and a publisher ({@link WebRtcPublisher}) share, without a thread of its own:
 * offer/answer over a {@link SignalingTransport} (WHEP, WHIP or in process), ICE as the controlling agent against the
 * ICE-lite server (RFC 8445), consent freshness (RFC 7675), DTLS-SRTP as the DTLS client (RFC 5764) on the runtime's
 * handshake pool, and the first stages of the packet path: check the source → classify (RFC 7983) → STUN (check and
 * consent responses) / DTLS (to the handshake) / SRTP and SRTCP (to the subclass, on the same loop). Anything that does
 * not fit is dropped and counted by {@link DropReason}; nothing is thrown.
 *
 * <p>Threads: all state is owned by one event loop of the runtime (the one its UDP channel is registered on). The public
 * methods may be called from any thread; they hop onto that loop. The futures complete on that loop: keep callbacks short.
 * Subclasses' hooks run on that loop.
 *
 * @param <S> the concrete session type, which the futures complete with
 */
public abstract class WebRtcSession<S extends WebRtcSession<S>> {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcSession.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** The life of a session. */
    public enum State { NEW, SIGNALING, CHECKING, HANDSHAKING, CONNECTED, CLOSED, FAILED }

    /** RFC 8445 §5.1.2.1 priority of our (peer-reflexive) candidate: type preference 110, local 65535, component 1. */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | (256 - 1);
    /** RFC 8445 §14.2: Ta, the pacing of checks, is the first retransmission interval. */
    static final long FIRST_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(1600);
    static final int MAX_DATAGRAM = 2048;
    private static final int STUN_HEADER = 20;
    /** STUN message types (RFC 8489 §5, §18.2): a Binding request and a Binding indication. */
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_INDICATION = 0x0011;
    private static final int CONSENT_SLOTS = 8;

    final ClientRuntime runtime;
    final EventLoop loop;
    final long id;
    private final SignalingTransport signaling;
    private final Duration iceTimeout;
    private final Duration dtlsTimeout;
    private final Duration consentInterval;
    private final Duration consentTimeout;
    private final boolean controlling;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<S> connected = new CompletableFuture<>();

    // Written on the loop, readable anywhere.
    volatile State state = State.NEW;
    private volatile ListenerException failure;
    volatile long startNanos = -1;
    volatile long answeredNanos = -1;
    /** When the HTTP answer arrived, before the hop onto the session's loop; -1 before. */
    volatile long httpDoneNanos = -1;
    volatile long iceNanos = -1;
    volatile long dtlsNanos = -1;
    private volatile Channel channel;
    volatile InetSocketAddress remote;
    /** True when the session's socket only sends and its datagrams arrive through a shared socket ({@link LoopbackMux}). */
    private volatile boolean muxed;

    // Owned by the loop. rx and tx are the loop's scratch buffers, shared with the other sessions on it: only used while
    // one datagram is handled or one packet is built.
    final byte[] rx;
    final byte[] tx;
    private final long[] drops = new long[DropReason.values().length];
    private IceCredentials localIce;
    AudioAnswer answer;
    private URI location;
    private boolean deleteSent;
    private CheckPacing pacing;
    private byte[] checkTxId;
    private long tieBreaker;
    private final byte[][] consentTx = new byte[CONSENT_SLOTS][];
    private final long[] consentSentNanos = new long[CONSENT_SLOTS];
    private int consentNext;
    private long lastConsentNanos;
    long rttMicros = -1;
    private ScheduledFuture<?> iceTimer;
    private ScheduledFuture<?> consentTimer;
    private DtlsEndpoint dtls;
    SrtpSession srtp;

    WebRtcSession(ClientRuntime runtime, SignalingTransport signaling, Duration iceTimeout, Duration dtlsTimeout,
            Duration consentInterval, Duration consentTimeout) {
        this.runtime = requireNonNull(runtime, "runtime");
        this.signaling = requireNonNull(signaling, "signaling");
        this.iceTimeout = requireNonNull(iceTimeout, "iceTimeout");
        this.dtlsTimeout = requireNonNull(dtlsTimeout, "dtlsTimeout");
        this.consentInterval = requireNonNull(consentInterval, "consentInterval");
        this.consentTimeout = requireNonNull(consentTimeout, "consentTimeout");
        this.controlling = signaling.iceControlling();
        this.loop = runtime.group().next();
        ClientRuntime.LoopScratch scratch = runtime.scratch(loop);
        this.rx = scratch.receive();
        this.tx = scratch.send();
        this.id = IDS.incrementAndGet();
    }

    // ---- what a listener and a publisher do differently (all on the loop) ----

    abstract S self();

    /** What our offer says about us (direction, SSRC, stereo). */
    abstract LocalMedia localMedia(IceCredentials ice);

    /** The answer was read; a last chance to refuse it (by calling {@link #fail} and returning false). */
    boolean onAnswerParsed(AudioAnswer parsed) {
        return true;
    }

    /** DTLS done and {@link #srtp} keyed; the session is about to be CONNECTED. */
    abstract void onSrtpReady();

    /** An SRTP packet from the server is in {@link #rx}[0, len). */
    abstract void onSrtp(int len, long now);

    /** An SRTCP packet from the server is in {@link #rx}[0, len). */
    abstract void onSrtcp(int len, long now);

    /** Stop the subclass's timers; called once when the session closes or fails. */
    abstract void onRelease();

    // ---- public ----

    /**
     * Starts (once; later calls return the same future). Completes when SRTP keys are ready, or exceptionally with a
     * {@link ListenerException} naming the phase that failed.
     */
    public CompletableFuture<S> connect() {
        if (started.compareAndSet(false, true)) {
            onLoop(this::startSignaling);
        }
        return connected;
    }

    public State state() {
        return state;
    }

    /** Why the session failed, or null. */
    public ListenerException failure() {
        return failure;
    }

    /** The local UDP port of the session's socket, or -1 before it is bound (or with a non-IP socket). */
    public int localPort() {
        Channel ch = channel;
        return ch != null && ch.localAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    }

    /** A process-unique number, for logs. */
    public long id() {
        return id;
    }

    /** Where the finished DTLS handshake's time went (null before, or when it failed). */
    public DtlsEndpoint.Trace dtlsTrace() {
        DtlsEndpoint d = dtls;
        return d == null ? null : d.trace();
    }

    /** The session's URL (WHEP/WHIP resource), once answered. */
    public URI location() {
        return call(() -> location);
    }

    // ---- signaling ----

    private void startSignaling() {
        if (state != State.NEW) {
            return;
        }
        state = State.SIGNALING;
        startNanos = runtime.nanoTime();
        String offer;
        try {
            localIce = IceCredentials.random();
            offer = WebRtcSdp.offer(localMedia(localIce));
        } catch (RuntimeException e) {
            fail(FailureReason.INTERNAL, "could not build the offer: " + e, e);
            return;
        }
        CompletableFuture<WhepResource> posted;
        try {
            posted = signaling.post(offer);
        } catch (RuntimeException e) {
            posted = CompletableFuture.failedFuture(e);
        }
        posted.whenComplete((resource, error) -> {
            httpDoneNanos = runtime.nanoTime();
            onLoop(() -> onAnswer(resource, error));
        });
    }

    private void onAnswer(WhepResource resource, Throwable error) {
        if (error != null) {
            Throwable cause = WhepClient.unwrap(error);
            FailureReason reason = cause instanceof WhepException w && w.status() != 0 ? FailureReason.WHEP_STATUS
                    : FailureReason.WHEP_IO;
            fail(reason, String.valueOf(cause.getMessage()), cause);
            return;
        }
        location = resource.location();
        if (state != State.SIGNALING) {
            deleteResource();
            return;
        }
        answeredNanos = runtime.nanoTime();
        try {
            answer = WebRtcSdp.parseAnswer(resource.answerSdp());
        } catch (SdpException | RuntimeException e) {
            fail(FailureReason.SDP, "unusable answer: " + e.getMessage(), e);
            return;
        }
        if (answer.candidates() == null || answer.candidates().isEmpty()) {
            fail(FailureReason.SDP, "the answer has no candidate (expected: a=candidate:... udp ... typ host)", null);
            return;
        }
        InetSocketAddress target = answer.candidates().get(0);
        if (target.isUnresolved()) {
            fail(FailureReason.SDP, "the answer's candidate " + target + " is not an IP address (expected: an IP literal)", null);
            return;
        }
        if (!onAnswerParsed(answer)) {
            return;
        }
        remote = target;
        LoopbackMux mux = runtime.mux(loop, target);
        if (mux != null) {
            muxed = true;
            mux.attach(this, new Inbound()).addListener(f -> {
                if (f.isSuccess()) {
                    onBound((Channel) f.getNow(), null, null);
                } else {
                    onBound(null, "cannot bind a UDP socket on a loopback address of its own (127.0.0.0/8) for " + target
                            + ": " + f.cause() + " (--socket-per-listener gives each listener 127.0.0.1 and a port of its own)",
                            f.cause());
                }
            });
            return;
        }
        InetSocketAddress bindAddress;
        try {
            bindAddress = new InetSocketAddress(bindAddressFor(target.getAddress()), 0);
        } catch (UnknownHostException e) {
            fail(FailureReason.BIND, "no local address for " + target + ": " + e.getMessage(), e);
            return;
        }
        // A connected socket: the kernel drops datagrams from anyone but the server, and each read is a plain recv into the
        // buffer (no source address parsed and allocated per packet, as an unconnected socket's recvmsg needs).
        new Bootstrap().group(loop).channel(runtime.channelClass()).handler(new Inbound())
                .connect(target, bindAddress).addListener((ChannelFuture f) -> onBound(f.isSuccess() ? f.channel() : null,
                        "cannot bind UDP on " + bindAddress + ": " + f.cause(), f.cause()));
    }

    /** Loopback for a loopback target (tests, same-machine runs), else the wildcard of the target's family. */
    static InetAddress bindAddressFor(InetAddress target) throws UnknownHostException {
        boolean v6 = target instanceof Inet6Address;
        if (target.isLoopbackAddress()) {
            return InetAddress.getByName(v6 ? "::1" : "127.0.0.1");
        }
        return InetAddress.getByName(v6 ? "::" : "0.0.0.0");
    }

    private void onBound(Channel bound, String failure, Throwable cause) {
        if (bound == null) {
            fail(FailureReason.BIND, failure, cause);
            return;
        }
        channel = bound;
        if (state != State.SIGNALING) {
            channel.close();
            return;
        }
        state = State.CHECKING;
        checkTxId = StunCodec.newTransactionId();
        tieBreaker = ThreadLocalRandom.current().nextLong();
        pacing = new CheckPacing(FIRST_RTO_NANOS, MAX_RTO_NANOS, iceTimeout.toNanos());
        pacing.start(runtime.nanoTime());
        iceTick();
    }

    // ---- ICE (RFC 8445 §7.2.5 checks as the controlling agent, nominating at once) ----

    private void iceTick() {
        if (state != State.CHECKING) {
            return;
        }
        long now = runtime.nanoTime();
        switch (pacing.poll(now)) {
            case SEND -> sendCheck(checkTxId, controlling);
            case GIVE_UP -> {
                fail(FailureReason.ICE_TIMEOUT, "no success response to " + pacing.transmissions() + " connectivity checks to "
                        + remote + " in " + iceTimeout.toMillis() + " ms", null);
                return;
            }
            default -> {
            }
        }
        iceTimer = loop.schedule(this::iceTick, Math.max(0, pacing.nextDeadlineNanos() - now), TimeUnit.NANOSECONDS);
    }

    private void sendCheck(byte[] transactionId, boolean nominate) {
        byte[] request = StunCodec.encodeRequest(transactionId, localIce, answer.remoteIce(), PRIORITY, tieBreaker, controlling,
                nominate);
        send(request, request.length);
    }

    private void onStun(int len, long now) {
        if (len < STUN_HEADER || !StunCodec.isStun(rx, 0, len)) {
            drop(DropReason.STUN);
            return;
        }
        int type = ((rx[0] & 0xFF) << 8) | (rx[1] & 0xFF);
        if (type == BINDING_REQUEST) {
            answerCheck(len);
            return;
        }
        if (type == BINDING_INDICATION) {
            return; // a full ICE agent's keepalive (RFC 8445 §11): nothing to answer
        }
        byte[] txId = Arrays.copyOfRange(rx, 8, STUN_HEADER);
        if (Arrays.equals(txId, checkTxId)) {
            if (state != State.CHECKING) {
                return; // an answer to a retransmission of the check that already succeeded
            }
            if (verify(len, txId)) {
                onIceSuccess(now);
            }
            return;
        }
        for (int i = 0; i < CONSENT_SLOTS; i++) {
            if (consentTx[i] != null && Arrays.equals(consentTx[i], txId)) {
                if (verify(len, txId)) {
                    consentTx[i] = null;
                    lastConsentNanos = now;
                    rttMicros = (now - consentSentNanos[i]) / 1000;
                }
                return;
            }
        }
        drop(DropReason.STUN);
    }

    /**
     * A full ICE agent's connectivity check (RFC 8445 §7.3): an ICE-lite server never sends one, a full agent (Janus) checks
     * the pair from its side too and nominates with it when controlling. Answered with a success response carrying the
     * source as XOR-MAPPED-ADDRESS, keyed by our password (RFC 8445 §7.3.1.4), when USERNAME and MESSAGE-INTEGRITY are ours.
     */
    private void answerCheck(int len) {
        if (localIce == null || remote == null) {
            drop(DropReason.STUN);
            return;
        }
        try {
            BindingRequest request = StunCodec.decodeRequest(rx, 0, len, localIce);
            byte[] response = StunCodec.encodeSuccess(request, remote, localIce);
            send(response, response.length);
        } catch (StunException | RuntimeException e) {
            drop(DropReason.STUN);
        }
    }

    private boolean verify(int len, byte[] txId) {
        try {
            StunCodec.decodeSuccess(rx, 0, len, txId, answer.remoteIce().pwd());
            return true;
        } catch (StunException e) {
            drop(DropReason.STUN);
            return false;
        }
    }

    private void onIceSuccess(long now) {
        iceNanos = now;
        state = State.HANDSHAKING;
        cancel(iceTimer);
        lastConsentNanos = now;
        scheduleConsent();
        try {
            dtls = DtlsEndpoint.client(runtime.identity(), answer.fingerprint(), this::sendFromAnyThread);
            dtls.start(runtime.dtlsPool(), dtlsTimeout).whenComplete((keys, error) -> onLoop(() -> onDtls(keys, error)));
        } catch (RuntimeException e) {
            fail(FailureReason.DTLS, "cannot start the DTLS handshake: " + e, e);
        }
    }

    // ---- consent freshness (RFC 7675 §5.1: a check every 5 s, randomized ±20%; lost after 30 s without answers) ----

    private void scheduleConsent() {
        long interval = consentInterval.toNanos();
        long delay = (long) (interval * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
        consentTimer = loop.schedule(this::consentTick, delay, TimeUnit.NANOSECONDS);
    }

    private void consentTick() {
        if (state != State.HANDSHAKING && state != State.CONNECTED) {
            return;
        }
        long now = runtime.nanoTime();
        if (now - lastConsentNanos > consentTimeout.toNanos()) {
            fail(FailureReason.CONSENT_LOST, "no answer to consent checks from " + remote + " for "
                    + (now - lastConsentNanos) / 1_000_000 + " ms", null);
            return;
        }
        byte[] txId = StunCodec.newTransactionId();
        consentTx[consentNext] = txId;
        consentSentNanos[consentNext] = now;
        consentNext = (consentNext + 1) % CONSENT_SLOTS;
        sendCheck(txId, false);
        scheduleConsent();
    }

    // ---- DTLS-SRTP ----

    /** The handshake's output; called on a DTLS pool thread. */
    private void sendFromAnyThread(byte[] datagram) {
        Channel ch = channel;
        InetSocketAddress to = remote;
        if (ch != null && to != null && ch.isActive()) {
            ByteBuf buf = Unpooled.copiedBuffer(datagram);
            ch.writeAndFlush(muxed ? new DatagramPacket(buf, to) : buf, ch.voidPromise());
        }
    }

    private void onDtls(SrtpKeys keys, Throwable error) {
        if (state != State.HANDSHAKING) {
            return;
        }
        if (error != null) {
            Throwable cause = WhepClient.unwrap(error);
            fail(FailureReason.DTLS, "handshake with " + remote + " failed: " + cause.getMessage(), cause);
            return;
        }
        try {
            srtp = SrtpSession.forClient(keys);
        } catch (RuntimeException e) {
            fail(FailureReason.DTLS, "cannot key SRTP (" + keys.profile() + "): " + e.getMessage(), e);
            return;
        }
        dtlsNanos = runtime.nanoTime();
        onSrtpReady();
        state = State.CONNECTED;
        connected.complete(self());
    }

    // ---- the packet path ----

    /** A datagram from the session's socket, or from a shared one ({@link LoopbackMux}); on the loop. */
    final void onDatagram(DatagramPacket packet) {
        State s = state;
        if (s == State.CLOSED || s == State.FAILED) {
            return;
        }
        long now = runtime.nanoTime();
        if (!sameEndpoint(packet.sender(), remote)) {
            drop(DropReason.FOREIGN_SOURCE);
            return;
        }
        ByteBuf content = packet.content();
        int len = content.readableBytes();
        if (len > rx.length) {
            drop(DropReason.OVERSIZE);
            return;
        }
        content.getBytes(content.readerIndex(), rx, 0, len);
        try {
            switch (PacketKind.classify(rx, 0, len)) {
                case STUN -> onStun(len, now);
                case DTLS -> onDtlsRecord(len);
                case RTP -> {
                    if (srtp == null) {
                        drop(DropReason.MEDIA_EARLY);
                    } else {
                        onSrtp(len, now);
                    }
                }
                case RTCP -> {
                    if (srtp == null) {
                        drop(DropReason.MEDIA_EARLY);
                    } else {
                        onSrtcp(len, now);
                    }
                }
                default -> drop(DropReason.UNKNOWN);
            }
        } catch (RuntimeException e) {
            drop(DropReason.INTERNAL);
            LOG.debug("session {}: datagram of {} bytes from the server made us throw", id, len, e);
        }
    }

    private void onDtlsRecord(int len) {
        if (dtls == null) {
            drop(DropReason.DTLS_EARLY);
            return;
        }
        dtls.receive(Arrays.copyOf(rx, len), 0, len);
    }

    static DropReason unprotectFailure(int code) {
        return switch (code) {
            case SrtpSession.FAIL_AUTH -> DropReason.AUTH;
            case SrtpSession.FAIL_REPLAY -> DropReason.REPLAY;
            default -> DropReason.SRTP_MALFORMED;
        };
    }

    /** DLSR in units of 1/65536 s (RFC 3550 §6.4.1). */
    static long delaySinceLastSr(long elapsedNanos) {
        return Math.max(0, elapsedNanos) * 65536 / 1_000_000_000L;
    }

    // ---- leaving ----

    /**
     * Leaves: stops timers, closes DTLS and the socket, and deletes the session on the server (WHEP/WHIP DELETE). Completes
     * when the DELETE was answered (or failed, or was not needed). Idempotent.
     */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        started.set(true);
        boolean queued = onLoop(() -> {
            if (state != State.FAILED && state != State.CLOSED) {
                State before = state;
                state = State.CLOSED;
                release();
                ListenerException closed = new ListenerException(FailureReason.CLOSED, "closed while " + before, null);
                connected.completeExceptionally(closed);
                onClosedOrFailed(closed);
            }
            CompletableFuture<?> deleted = deleteResource();
            deleted.whenComplete((status, error) -> done.complete(null));
        });
        if (!queued) {
            done.complete(null);
        }
        return done;
    }

    /** {@link #closeAsync()}, waiting up to 5 s for the DELETE (not waiting when called on the session's own loop). */
    public void close() {
        CompletableFuture<Void> done = closeAsync();
        if (!loop.inEventLoop()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("session {}: close did not finish cleanly", id, e);
            }
        }
    }

    /** Futures of the subclass to complete exceptionally when the session ends before they did. */
    void onClosedOrFailed(ListenerException why) {
    }

    final void fail(FailureReason reason, String message, Throwable cause) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        State before = state;
        state = State.FAILED;
        ListenerException e = new ListenerException(reason, message, cause);
        failure = e;
        LOG.debug("session {} failed while {}: {}", id, before, message);
        release();
        connected.completeExceptionally(e);
        onClosedOrFailed(e);
        deleteResource();
    }

    private CompletableFuture<?> deleteResource() {
        if (location == null || deleteSent) {
            return CompletableFuture.completedFuture(null);
        }
        deleteSent = true;
        CompletableFuture<Integer> deleted;
        try {
            deleted = signaling.delete(location);
        } catch (RuntimeException e) {
            deleted = CompletableFuture.failedFuture(e);
        }
        return deleted.exceptionally(error -> {
            LOG.debug("session {}: DELETE failed: {}", id, error.toString());
            return -1;
        });
    }

    private void release() {
        cancel(iceTimer);
        cancel(consentTimer);
        try {
            onRelease();
        } catch (RuntimeException e) {
            LOG.debug("session {}: releasing threw", id, e);
        }
        if (dtls != null) {
            try {
                dtls.close();
            } catch (RuntimeException e) {
                LOG.debug("session {}: closing DTLS threw", id, e);
            }
        }
        if (srtp != null) {
            srtp.close();
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    // ---- helpers ----

    final void send(byte[] data, int len) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        ByteBuf buf = ch.alloc().buffer(len);
        buf.writeBytes(data, 0, len);
        ch.writeAndFlush(muxed ? new DatagramPacket(buf, remote) : buf, ch.voidPromise());
    }

    final void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    /** The drop counters that are not zero. Loop only. */
    final EnumMap<DropReason, Long> dropCounts() {
        EnumMap<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                byReason.put(r, drops[r.ordinal()]);
            }
        }
        return byReason;
    }

    static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
        if (a == null || b == null || a.getPort() != b.getPort()) {
            return false;
        }
        if (a.equals(b)) {
            return true; // the usual case, per packet: no address bytes copied
        }
        InetAddress x = a.getAddress();
        InetAddress y = b.getAddress();
        if (x == null || y == null) {
            return false;
        }
        return Arrays.equals(ipv4Form(x.getAddress()), ipv4Form(y.getAddress()));
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its 4 bytes; anything else unchanged. */
    private static byte[] ipv4Form(byte[] addr) {
        if (addr.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (addr[i] != 0) {
                    return addr;
                }
            }
            if (addr[10] == (byte) 0xFF && addr[11] == (byte) 0xFF) {
                return Arrays.copyOfRange(addr, 12, 16);
            }
        }
        return addr;
    }

    static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Runs on the owning loop; false when the loop no longer accepts tasks. */
    final boolean onLoop(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("session {}: unexpected exception", id, e);
                    fail(FailureReason.INTERNAL, e.toString(), e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    final <T> T call(Supplier<T> getter) {
        if (loop.inEventLoop() || loop.isShutdown()) {
            return getter.get();
        }
        try {
            return loop.submit(getter::get).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading session " + id, e);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return getter.get(); // the loop is gone or stuck: a racy read is better than none
        }
    }

    /** Hands datagrams to the session; registered on the session's own loop. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            onDatagram(packet);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: the consent checks decide whether the server is gone.
            LOG.debug("session {}: socket error: {}", id, cause.toString());
        }
    }
}
