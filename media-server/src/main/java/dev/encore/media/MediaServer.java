package dev.encore.media;

import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.show.ShowConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * The media server: one UDP port for every peer, routers per show, WHEP listener and WHIP publisher sessions, (S)RTP
 * ingest ports.
 *
 * <p>With epoll, {@code eventLoops} channels bind the same port with {@code SO_REUSEPORT} (the kernel hashes each peer to
 * one), read with {@code recvmmsg} and write fan-out batches with {@code sendmmsg}. Without epoll, one NIO channel.
 *
 * <p>Threads: media event loops ({@link MediaPacketHandler}, fan-out), a bounded DTLS handshake pool, and the app's
 * threads calling {@link #addShow}, {@link #whep()}, {@link #whip()} and {@link Router#feed}; a sweeper on one event loop
 * removes sessions whose consent expired or whose setup timed out. Thread-safe.
 */
public final class MediaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaServer.class);
    /** The sweeper runs this often, or more often when the setup timeout is short. */
    static final long SWEEP_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** recvmmsg reads up to this many datagrams per call. */
    static final int DATAGRAMS_PER_READ = 16;
    static final int SOCKET_BUFFER = 4 << 20;

    private final EventLoopGroup group;
    private final Class<? extends DatagramChannel> channelType;
    private final List<Channel> channels;
    private final List<FanoutShard> shards;
    private final MediaMetrics metrics;
    private final PeerTable peers;
    private final DtlsHandshakes handshakes;
    private final Map<String, ShowRouter> routers;
    private final Map<String, RtpIngest> ingests = new ConcurrentHashMap<>();
    private final List<FirstAudioListener> firstAudioListeners = new CopyOnWriteArrayList<>();
    private final MediaWhepService whep;
    private final MediaWhipService whip;
    private final LongSupplier nanoClock;
    private final ScheduledFuture<?> sweeper;
    private volatile boolean closed;

    private MediaServer(EventLoopGroup group, Class<? extends DatagramChannel> channelType, List<Channel> channels,
            List<FanoutShard> shards, Map<String, ShowRouter> routers, MediaMetrics metrics, PeerTable peers,
            DtlsHandshakes handshakes, DtlsIdentity identity, String candidateIp, LongSupplier nanoClock) {
        this.group = group;
        this.routers = routers;
        this.channelType = channelType;
        this.channels = channels;
        this.shards = shards;
        this.metrics = metrics;
        this.peers = peers;
        this.handshakes = handshakes;
        this.nanoClock = nanoClock;
        int port = ((InetSocketAddress) channels.get(0).localAddress()).getPort();
        this.whep = new MediaWhepService(routers::get, peers, identity.fingerprint(), candidateIp, port, nanoClock);
        this.whip = new MediaWhipService(routers::get, peers, metrics, identity.fingerprint(), candidateIp, port, nanoClock);
        // A quarter of a short setup timeout, so that a session is removed at most 25 % late.
        long sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(SWEEP_PERIOD_NANOS, peers.setupTimeoutNanos() / 4));
        this.sweeper = group.next().scheduleAtFixedRate(this::sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
    }

    /** Binds the media port and starts the event loops. */
    public static MediaServer start(MediaServerConfig config) throws InterruptedException {
        requireNonNull(config, "config");
        LongSupplier clock = System::nanoTime;
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(config.bindHost() == null ? "0.0.0.0" : config.bindHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bindHost: " + config.bindHost() + " (expected: an IP address)", e);
        }
        int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(epoll ? loops : 1, new DefaultThreadFactory("encore-media", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends DatagramChannel> channelType = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        if (!epoll) {
            LOG.warn("epoll unavailable ({}): one NIO channel, no recvmmsg/sendmmsg", String.valueOf(Epoll.unavailabilityCause()));
        }
        Map<String, ShowRouter> routers = new ConcurrentHashMap<>();
        MediaMetrics metrics = new MediaMetrics(() -> List.copyOf(routers.values()));
        PeerTable peers = new PeerTable(PeerTable.CONSENT_TIMEOUT_NANOS, config.effectiveSetupTimeout().toNanos());
        DtlsIdentity identity = DtlsIdentity.generate();
        int cores = Runtime.getRuntime().availableProcessors();
        DtlsHandshakes handshakes = new DtlsHandshakes(identity, peers, metrics, DtlsHandshakes.computingFor(cores),
                DtlsHandshakes.QUEUE, DtlsHandshakes.TIMEOUT, clock);
        DtlsCookieGate cookieGate = new DtlsCookieGate();
        List<Channel> channels = new ArrayList<>();
        List<FanoutShard> shards = new ArrayList<>();
        try {
            int port = config.port();
            if (port != 0) {
                ensureFree(bindAddress, port);
            }
            int index = 0;
            for (EventExecutor executor : group) {
                int shardIndex = index++;
                Bootstrap b = new Bootstrap().group((EventLoop) executor).channel(channelType)
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                FanoutShard shard = new FanoutShard(shardIndex, ch);
                                synchronized (shards) {
                                    shards.add(shard);
                                }
                                ch.pipeline().addLast(new MediaPacketHandler(peers, metrics, cookieGate, handshakes, shard, clock));
                            }
                        });
                if (epoll) {
                    b.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MediaPacketHandler.MAX_DATAGRAM)
                            .option(ChannelOption.RCVBUF_ALLOCATOR,
                                    new FixedRecvByteBufAllocator(MediaPacketHandler.MAX_DATAGRAM * DATAGRAMS_PER_READ));
                }
                Channel ch = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                channels.add(ch);
            }
        } catch (RuntimeException | InterruptedException e) {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            handshakes.close();
            throw e;
        }
        shards.sort((a, c) -> Integer.compare(a.index(), c.index()));
        String candidateIp = config.announceIp() != null ? config.announceIp()
                : bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : bindAddress.getHostAddress();
        if (config.announceIp() == null && bindAddress.isAnyLocalAddress()) {
            LOG.warn("bound to {} without announceIp: announcing {} (only reachable from this machine)", bindAddress, candidateIp);
        }
        MediaServer server = new MediaServer(group, channelType, List.copyOf(channels), List.copyOf(shards), routers, metrics,
                peers, handshakes, identity, candidateIp, clock);
        LOG.info("media server on {} ({} {} channel(s))", server.localAddress(), channels.size(), epoll ? "epoll" : "NIO");
        return server;
    }

    /**
     * Fails when another socket holds {@code port}. Our channels share the port with {@code SO_REUSEPORT}, so binding them
     * succeeds even beside a second server of the same user, and the kernel then splits the listeners between the two
     * processes. A plain socket (no {@code SO_REUSEPORT}) cannot bind a port that anyone holds, so it tells.
     */
    static void ensureFree(InetAddress bindAddress, int port) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(bindAddress, port));
        } catch (java.net.SocketException e) {
            throw new IllegalStateException("media port " + bindAddress.getHostAddress() + ":" + port + " (UDP) is in use: "
                    + e.getMessage() + " (expected: a free port; is another Encore running? choose one with --media-port)",
                    e);
        }
    }

    /** Adds a show: its router and, when the show file has {@code ingest.rtp}, its (S)RTP ingest port. */
    public Router addShow(ShowConfig show) throws InterruptedException {
        requireNonNull(show, "show");
        if (closed) {
            throw new IllegalStateException("media server is closed");
        }
        ShowRouter router = new ShowRouter(show, shards, metrics, nanoClock, this::firstAudio);
        if (routers.putIfAbsent(show.id(), router) != null) {
            throw new IllegalArgumentException("show id: " + show.id() + " (expected: not added yet)");
        }
        router.startReports();
        if (show.rtpIngest() != null) {
            try {
                ingests.put(show.id(), RtpIngest.bind(group, channelType, show.rtpIngest(), router, metrics, nanoClock));
            } catch (RuntimeException | InterruptedException e) {
                routers.remove(show.id());
                router.close();
                throw e;
            }
        }
        return router;
    }

    public Optional<Router> router(String showId) {
        return Optional.ofNullable(routers.get(showId));
    }

    public WhepService whep() {
        return whep;
    }

    /**
     * From now on, {@code listener} is told when a WHEP listener session ends, exactly once per session and whatever the
     * cause ({@link SessionEndReason}): on the thread that removed the session, outside any lock (see
     * {@link SessionEndListener} for which). Sessions that ended before registration are not reported: register before
     * the first {@link WhepService#subscribe}. Exceptions it throws are caught and logged.
     */
    public void onSessionEnded(SessionEndListener listener) {
        peers.onSessionEnded(listener);
    }

    /**
     * From now on, {@code listener} is told when a WHEP listener's audio starts, once per session, with its time to first
     * audio (the session's creation to its first packet written): on the media event loop serving that listener, so it
     * must be quick and must not block (see {@link FirstAudioListener}). Register before the first
     * {@link WhepService#subscribe}. Exceptions it throws are caught and logged.
     */
    public void onFirstAudio(FirstAudioListener listener) {
        firstAudioListeners.add(requireNonNull(listener, "listener"));
    }

    /** WHIP (RFC 9725) publisher sessions; the HTTP layer checks the performer key before calling it. */
    public WhipService whip() {
        return whip;
    }

    /** The bound media port's address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channels.get(0).localAddress();
    }

    /** The (S)RTP ingest port of a show, if it has one. */
    public Optional<InetSocketAddress> ingestAddress(String showId) {
        return Optional.ofNullable(ingests.get(showId)).map(RtpIngest::localAddress);
    }

    /** The metrics registry holding the media server's counters and histograms (Prometheus). */
    public PrometheusRegistry metrics() {
        return metrics.registry();
    }

    MediaMetrics mediaMetrics() {
        return metrics;
    }

    /** How many channels share the media port: one per event loop with epoll, else one. */
    int channelCount() {
        return channels.size();
    }

    List<FanoutShard> shards() {
        return shards;
    }

    PeerTable peers() {
        return peers;
    }

    ShowRouter showRouter(String showId) {
        return routers.get(showId);
    }

    /** Tells every {@link FirstAudioListener}; a media event loop (a router's shard) calls it. */
    private void firstAudio(String showId, String sessionId, Duration timeToFirstAudio) {
        for (FirstAudioListener listener : firstAudioListeners) {
            try {
                listener.firstAudio(showId, sessionId, timeToFirstAudio);
            } catch (RuntimeException e) {
                // The session id is a capability (it ends the session): not logged.
                LOG.warn("first audio listener failed for a listener of show {}", showId, e);
            }
        }
    }

    private void sweep() {
        try {
            PeerTable.Swept swept = peers.sweep(nanoClock.getAsLong());
            swept.consentExpired().forEach(s -> metrics.consentExpiry());
            swept.setupTimedOut().forEach(s -> metrics.setupTimeout());
        } catch (RuntimeException e) {
            LOG.warn("session sweep failed", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.cancel(false);
        ingests.values().forEach(RtpIngest::close);
        peers.all().forEach(s -> peers.remove(s, SessionEndReason.SERVER_CLOSED));
        routers.values().forEach(ShowRouter::close);
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        handshakes.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
