package dev.encore.media;

import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * One WebRTC peer's session: its ICE-lite state (RFC 8445 §2.5), DTLS handshake and, once connected, its media leg: a
 * {@link Consumer} for a listener (created by WHEP) or a {@link Producer} for a publisher (created by WHIP). The addresses
 * it may be reached at are only ever learned from authenticated checks.
 *
 * <p>Threads: the kernel hashes each peer address to one of the media channels, so checks, DTLS and RTCP for a session
 * may arrive on more than one event loop; every mutable field is volatile or concurrent. The DTLS endpoint is set once
 * under {@code this}; the consumer or producer is set by the DTLS handshake thread.
 */
final class PeerSession {
    /** A session answers checks from at most this many addresses (host, srflx, relay, v4/v6 ...). */
    static final int MAX_ADDRESSES = 8;

    private final String sessionId;
    private final ShowRouter router;
    private final IceCredentials localIce;
    private final String remoteUfrag;
    private final Fingerprint remoteFingerprint;
    private final int opusPayloadType;
    private final long createdNanos;
    private final boolean publisher;
    private final long announcedSsrc;
    private final Set<InetSocketAddress> verified = ConcurrentHashMap.newKeySet();
    private final DtlsHelloAssembler helloAssembler = new DtlsHelloAssembler();
    private volatile InetSocketAddress nominated;
    private volatile FanoutShard nominatedShard;
    private volatile long lastConsentNanos;
    private volatile InetSocketAddress dtlsAddress;
    private volatile FanoutShard dtlsShard;
    private DtlsEndpoint dtls;
    private volatile boolean dtlsFailed;
    private volatile Consumer consumer;
    private volatile Producer producer;
    private volatile boolean closed;

    /** A listener's session (WHEP). */
    PeerSession(String sessionId, ShowRouter router, IceCredentials localIce, String remoteUfrag, Fingerprint remoteFingerprint,
            int opusPayloadType, long createdNanos) {
        this(sessionId, router, localIce, remoteUfrag, remoteFingerprint, opusPayloadType, createdNanos, false, -1);
    }

    /**
     * A listener's or, with {@code publisher}, a publisher's session (WHIP).
     *
     * @param announcedSsrc the publisher's audio SSRC from its offer, or -1 when it announced none
     */
    PeerSession(String sessionId, ShowRouter router, IceCredentials localIce, String remoteUfrag, Fingerprint remoteFingerprint,
            int opusPayloadType, long createdNanos, boolean publisher, long announcedSsrc) {
        this.sessionId = requireNonNull(sessionId, "sessionId");
        this.router = requireNonNull(router, "router");
        this.localIce = requireNonNull(localIce, "localIce");
        this.remoteUfrag = requireNonNull(remoteUfrag, "remoteUfrag");
        this.remoteFingerprint = requireNonNull(remoteFingerprint, "remoteFingerprint");
        this.opusPayloadType = opusPayloadType;
        this.createdNanos = createdNanos;
        this.publisher = publisher;
        this.announcedSsrc = announcedSsrc;
    }

    /** Whether this is a WHIP publisher's session (media comes in) rather than a listener's (media goes out). */
    boolean publisher() {
        return publisher;
    }

    /** The publisher's audio SSRC from its offer, or -1. */
    long announcedSsrc() {
        return announcedSsrc;
    }

    String sessionId() {
        return sessionId;
    }

    ShowRouter router() {
        return router;
    }

    IceCredentials localIce() {
        return localIce;
    }

    String remoteUfrag() {
        return remoteUfrag;
    }

    Fingerprint remoteFingerprint() {
        return remoteFingerprint;
    }

    int opusPayloadType() {
        return opusPayloadType;
    }

    long createdNanos() {
        return createdNanos;
    }

    /** Reassembles a fragmented ClientHello before the cookie gate. */
    DtlsHelloAssembler helloAssembler() {
        return helloAssembler;
    }

    long lastConsentNanos() {
        return lastConsentNanos;
    }

    boolean isVerified(InetSocketAddress address) {
        return verified.contains(address);
    }

    /**
     * An authenticated check arrived from {@code from}: remember the address (up to {@link #MAX_ADDRESSES}), refresh consent
     * (RFC 7675 §5.1) and, with USE-CANDIDATE, nominate that address for media (RFC 8445 §7.3.1.5).
     *
     * @return false when the address is new and the session already has {@link #MAX_ADDRESSES}
     */
    boolean onValidCheck(InetSocketAddress from, boolean useCandidate, FanoutShard shard, long nowNanos) {
        if (!verified.contains(from)) {
            if (verified.size() >= MAX_ADDRESSES) {
                return false;
            }
            verified.add(from);
        }
        lastConsentNanos = nowNanos;
        if (useCandidate && !from.equals(nominated)) {
            nominatedShard = nominatedShard == null ? shard : nominatedShard;
            nominated = from;
            Consumer c = consumer;
            if (c != null) {
                c.address(from);
            }
        }
        return true;
    }

    /** Where media goes: the nominated address, else the address DTLS came from (also authenticated). */
    InetSocketAddress mediaAddress() {
        InetSocketAddress n = nominated;
        return n != null ? n : dtlsAddress;
    }

    /** The shard that serves this listener's media: the one its nomination (or DTLS) arrived on. */
    FanoutShard mediaShard() {
        FanoutShard s = nominatedShard;
        return s != null ? s : dtlsShard;
    }

    boolean nominated() {
        return nominated != null;
    }

    /** DTLS arrived from an authenticated address; replies go back there. */
    void dtlsFrom(InetSocketAddress from, FanoutShard shard) {
        if (!from.equals(dtlsAddress)) {
            dtlsShard = shard;
            dtlsAddress = from;
        }
    }

    /** Sends a DTLS datagram to the peer. Any thread (the handshake pool calls it). */
    void sendDtls(byte[] datagram) {
        InetSocketAddress to = dtlsAddress;
        FanoutShard shard = dtlsShard;
        if (to == null || shard == null || closed) {
            return;
        }
        shard.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), shard.channel().voidPromise());
    }

    synchronized DtlsEndpoint dtls() {
        return dtls;
    }

    /** Sets the endpoint once; false if there already is one or the session is closed. */
    synchronized boolean dtls(DtlsEndpoint endpoint) {
        if (dtls != null || closed || dtlsFailed) {
            return false;
        }
        dtls = endpoint;
        return true;
    }

    boolean dtlsFailed() {
        return dtlsFailed;
    }

    void markDtlsFailed() {
        dtlsFailed = true;
    }

    Consumer consumer() {
        return consumer;
    }

    /** ICE and DTLS done: the consumer joins the router. False if the session was closed meanwhile. */
    synchronized boolean connect(Consumer c) {
        if (closed) {
            return false;
        }
        consumer = c;
        router.addConsumer(c);
        return true;
    }

    Producer producer() {
        return producer;
    }

    /**
     * ICE and DTLS done for a publisher: it becomes the show's publisher, and the previous publisher session, if any, is
     * closed (the newest wins). False if this session was closed meanwhile.
     */
    boolean connectPublisher(Producer p) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            producer = p;
        }
        // Outside our lock: replacing closes the previous session, which takes that session's lock.
        router.publisherConnected(p);
        if (closed) {
            router.publisherClosed(p);
        }
        return true;
    }

    boolean connected() {
        return consumer != null || producer != null;
    }

    boolean closed() {
        return closed;
    }

    /** Stops the handshake and leaves the router (as a listener or as its publisher). Idempotent. Any thread. */
    void close() {
        DtlsEndpoint endpoint;
        Consumer c;
        Producer p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            endpoint = dtls;
            c = consumer;
            p = producer;
        }
        if (c != null) {
            router.removeConsumer(c);
        }
        if (p != null) {
            router.publisherClosed(p);
            p.close();
        }
        if (publisher) {
            router.publisherSessionClosed();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    Set<InetSocketAddress> verifiedAddresses() {
        return Set.copyOf(verified);
    }

    @Override
    public String toString() {
        return "PeerSession[" + router.showId() + (publisher ? ", publisher" : "") + ", ufrag=" + localIce.ufrag() + "]";
    }
}
