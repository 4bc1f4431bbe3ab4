package dev.encore.loadtest.client;

import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.dtls.HandshakeWorkers;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What every listener of one process shares, so that thousands of listeners cost no thread each: Netty event loops (epoll
 * when available, NIO otherwise) that own the listeners' UDP channels and timers (with epoll and a server on IPv4 loopback,
 * the shared receive sockets of {@link LoopbackMux}), a bounded pool for the blocking DTLS handshakes (BouncyCastle), one
 * HTTP client for WHEP, and one DTLS identity (certificate). Thread-safe.
 */
public final class ClientRuntime implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientRuntime.class);

    /**
     * Sizing.
     *
     * @param eventLoops Netty event loops (0: the number of cores)
     * @param dtlsThreads DTLS handshakes in progress at once (each on its own thread, mostly waiting for the server; they
     *     compute on {@link HandshakeWorkers#computingFor} CPU turns); more wait in a queue
     * @param httpConnections keep-alive HTTP connections per server for the WHEP/WHIP exchanges (more requests at once
     *     wait for one)
     * @param httpTimeout timeout of one WHEP request
     * @param preferEpoll use epoll when available
     * @param ioUring with {@code preferEpoll}: io_uring instead of epoll when the kernel offers it (measured 13 % less tool
     *     CPU per packet at 1,500 listeners: fewer system calls per received datagram)
     * @param shareLoopbackSockets with epoll and a server on IPv4 loopback: give each session an address of its own in
     *     127.0.0.0/8 and receive many sessions' datagrams on one socket ({@link LoopbackMux}); otherwise a socket per session
     */
    public record Options(int eventLoops, int dtlsThreads, int httpConnections, Duration httpTimeout, boolean preferEpoll,
            boolean ioUring, boolean shareLoopbackSockets) {
        public Options(int eventLoops, int dtlsThreads, int httpConnections, Duration httpTimeout, boolean preferEpoll) {
            this(eventLoops, dtlsThreads, httpConnections, httpTimeout, preferEpoll, false, true);
        }

        /** These options with io_uring asked for (or not). */
        public Options withIoUring(boolean on) {
            return new Options(eventLoops, dtlsThreads, httpConnections, httpTimeout, preferEpoll, on, shareLoopbackSockets);
        }

        /** These options with shared sockets for a loopback server (or a socket per session). */
        public Options withSharedLoopbackSockets(boolean on) {
            return new Options(eventLoops, dtlsThreads, httpConnections, httpTimeout, preferEpoll, ioUring, on);
        }

        public Options {
            if (eventLoops < 0 || dtlsThreads < 1 || httpConnections < 1) {
                throw new IllegalArgumentException("eventLoops " + eventLoops + ", dtlsThreads " + dtlsThreads
                        + ", httpConnections " + httpConnections + " (expected: eventLoops >= 0, threads and connections >= 1)");
            }
            java.util.Objects.requireNonNull(httpTimeout, "httpTimeout");
        }

        /**
         * The default {@code dtlsThreads}: enough handshakes in progress to keep the CPU turns busy while most wait for the
         * server, few enough that late flights re-sent by BouncyCastle do not flood the event loops (with 1,024 a
         * 3,000-listener ramp lost 3 % of its packets to the tool's own receive buffers).
         */
        public static final int DTLS_THREADS = 64;

        /** Keep-alive connections per server: a WHEP exchange takes milliseconds, so a storm's 800 a second need few. */
        public static final int HTTP_CONNECTIONS = 32;

        /**
         * Event loops per core, {@value #DTLS_THREADS} DTLS threads, {@value #HTTP_CONNECTIONS} HTTP connections, 10 s HTTP
         * timeout, epoll preferred.
         */
        public static Options defaults() {
            return new Options(0, DTLS_THREADS, HTTP_CONNECTIONS, Duration.ofSeconds(10), true);
        }
    }

    /** Handshakes waiting for a thread; a run of more arrivals than this in flight at once fails the excess. */
    private static final int DTLS_QUEUE = 65_536;

    private final EventLoopGroup group;
    private final Class<? extends DatagramChannel> channelClass;
    private final boolean epoll;
    private final boolean ioUring;
    private final HandshakeWorkers dtlsPool;
    private final EventLoopGroup httpGroup;
    /** Decodes the sampled listeners' audio, in order, off the media loops (one thread: the sample is small). */
    private final java.util.concurrent.ThreadPoolExecutor decoder;
    private final NettyHttpClient http;
    private final WhepClient whep;
    private final DtlsIdentity identity;
    private final LongSupplier nanoClock;
    /** Per event loop: one receive and one send buffer shared by all sessions of that loop (see {@link #scratch}). */
    private final Map<EventExecutor, LoopScratch> scratch = new IdentityHashMap<>();
    /** Per event loop, when sockets are shared for a loopback server; empty otherwise. */
    private final Map<EventExecutor, LoopbackMux> muxes = new IdentityHashMap<>();

    private ClientRuntime(Options options) {
        this.epoll = options.preferEpoll() && Epoll.isAvailable();
        boolean uring = epoll && options.ioUring() && IoUring.isAvailable();
        if (options.ioUring() && !uring) {
            LOG.warn("io_uring asked for but unavailable ({}): using {}", String.valueOf(IoUring.unavailabilityCause()),
                    epoll ? "epoll" : "NIO");
        }
        this.ioUring = uring;
        IoHandlerFactory factory = uring ? IoUringIoHandler.newFactory()
                : epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int loops = options.eventLoops() == 0 ? Runtime.getRuntime().availableProcessors() : options.eventLoops();
        this.group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("encore-client-io", true), factory);
        this.channelClass = uring ? IoUringDatagramChannel.class
                : epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        int turns = Math.min(options.dtlsThreads(), HandshakeWorkers.computingFor(Runtime.getRuntime().availableProcessors()));
        this.dtlsPool = new HandshakeWorkers("encore-client-dtls", turns, options.dtlsThreads(), DTLS_QUEUE);
        // Its own loop: on the media loops, each WHEP exchange waited behind thousands of listeners' packets at every hop
        // (acquire, write, read, release), and a storm's offers left the tool at 200/s instead of 800/s.
        this.httpGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("encore-client-http", true), factory);
        this.http = new NettyHttpClient(httpGroup, uring ? IoUringSocketChannel.class
                : epoll ? EpollSocketChannel.class : NioSocketChannel.class,
                options.httpConnections(), options.httpTimeout());
        this.whep = new WhepClient(http);
        this.decoder = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), new DefaultThreadFactory("encore-client-decode", true));
        this.identity = DtlsIdentity.generate();
        this.nanoClock = System::nanoTime;
        java.util.concurrent.atomic.AtomicInteger addresses = new java.util.concurrent.atomic.AtomicInteger();
        for (EventExecutor loop : group) {
            scratch.put(loop, new LoopScratch(new byte[LoopScratch.RECEIVE_SIZE], new byte[LoopScratch.SEND_SIZE]));
            if (epoll && !uring && options.shareLoopbackSockets()) {
                muxes.put(loop, new LoopbackMux((io.netty.channel.EventLoop) loop, addresses));
            }
        }
    }

    /** The shared sockets of {@code loop} for sessions to {@code server}, or null when each session needs its own socket. */
    LoopbackMux mux(EventExecutor loop, java.net.InetSocketAddress server) {
        return LoopbackMux.serves(server) ? muxes.get(loop) : null;
    }

    /** Datagrams that reached a shared socket addressed to no session; read on each loop (racy, for reports and tests). */
    public long sharedSocketStrays() {
        long n = 0;
        for (LoopbackMux m : muxes.values()) {
            n += m.strays();
        }
        return n;
    }

    /**
     * Buffers for one event loop, shared by every session on it: each datagram is copied in, processed and let go before the
     * loop reads the next one, so one buffer per loop is enough. With a buffer per session, thousands of listeners touch
     * megabytes of buffers per second, and the copy and the SRTP pass miss the cache.
     *
     * @param receive a datagram being processed (SRTP is decrypted in place)
     * @param send a packet being built and protected before it is copied into a Netty buffer
     */
    record LoopScratch(byte[] receive, byte[] send) {
        static final int RECEIVE_SIZE = 2048;
        static final int SEND_SIZE = 1500;
    }

    /** The scratch buffers of {@code loop} (one of this runtime's event loops); use them only on that loop. */
    LoopScratch scratch(EventExecutor loop) {
        LoopScratch s = scratch.get(loop);
        if (s == null) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: one of this runtime's event loops)");
        }
        return s;
    }

    /** Tasks waiting in the event loops' queues and the decode queue (a backlog of the tool itself). */
    public int pendingTasks() {
        int n = 0;
        for (EventExecutor loop : group) {
            if (loop instanceof io.netty.util.concurrent.SingleThreadEventExecutor e) {
                n += e.pendingTasks();
            }
        }
        return n + decoder.getQueue().size();
    }

    /** Runs the sampled listeners' audio decoding, one task after another, off the event loops. */
    Executor decodeExecutor() {
        return decoder;
    }

    /** The number of event loops. */
    public int eventLoopCount() {
        int n = 0;
        for (EventExecutor ignored : group) {
            n++;
        }
        return n;
    }

    /** Starts event loops and pools, and generates the DTLS certificate. */
    public static ClientRuntime create(Options options) {
        return new ClientRuntime(java.util.Objects.requireNonNull(options, "options"));
    }

    public static ClientRuntime create() {
        return create(Options.defaults());
    }

    /** True when the event loops use epoll. */
    public boolean epoll() {
        return epoll;
    }

    /** The transport the event loops use: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return ioUring ? "io_uring" : epoll ? "epoll" : "nio";
    }

    /** True when sessions to a server on IPv4 loopback share sockets ({@link LoopbackMux}). */
    public boolean sharesLoopbackSockets() {
        return !muxes.isEmpty();
    }

    EventLoopGroup group() {
        return group;
    }

    /** The listeners' event loops (for {@link LoopLag}). */
    public Iterable<EventExecutor> eventLoops() {
        return group;
    }

    Class<? extends DatagramChannel> channelClass() {
        return channelClass;
    }

    Executor dtlsPool() {
        return dtlsPool;
    }

    /** DTLS handshakes waiting for a thread or a CPU turn: the tool's own handshake backlog. */
    public int dtlsQueued() {
        return dtlsPool.queued() + dtlsPool.waitingForTurn();
    }

    WhepClient whep() {
        return whep;
    }

    DtlsIdentity identity() {
        return identity;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Stops the event loops and pools (listeners should be closed first). Waits a few seconds at most. */
    @Override
    public void close() {
        http.close();
        httpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        decoder.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        dtlsPool.close();
    }
}
