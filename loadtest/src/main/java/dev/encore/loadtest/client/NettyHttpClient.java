package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A small HTTP/1.1 client on the load tool's own Netty event loops, for the WHEP and WHIP exchanges: keep-alive
 * connections, at most {@code maxConnections} per server, requests beyond that wait for a free connection.
 *
 * <h2>Why not {@code java.net.http.HttpClient}</h2>
 * In a join storm (800 arrivals/s at its start) the JDK client took 3.2 s (p50) per WHEP exchange that the server answered
 * in about 10 ms (measured with curl beside the storm): it opens a connection per concurrent request and runs all of them
 * through one selector thread and a callback pool that the storm's handshake threads and media loops starve. Here a
 * request is written by the event loop that owns its connection, and the answer completes on that loop.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread; the future completes on an event loop of the group.
 */
public final class NettyHttpClient implements AutoCloseable {
    /** The largest answer body accepted; an SDP answer is a few kB. */
    static final int MAX_BODY = 1 << 20;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final int maxConnections;
    private final Duration timeout;
    private final Map<String, FixedChannelPool> pools = new ConcurrentHashMap<>();
    private volatile SslContext ssl;
    private volatile boolean closed;

    /**
     * @param group the event loops that run the connections (not shut down by {@link #close})
     * @param channelClass the socket channel class matching the group's transport (epoll or NIO)
     * @param maxConnections connections kept open per server at most
     * @param timeout for one exchange, from the call until the whole answer arrived (waiting for a connection included)
     */
    public NettyHttpClient(EventLoopGroup group, Class<? extends SocketChannel> channelClass, int maxConnections,
            Duration timeout) {
        this(group, channelClass, maxConnections, timeout, null);
    }

    /**
     * As above, with the TLS context for {@code https} URLs (tests: a context that trusts a test certificate); null for the
     * JDK's trusted certificates. The server's certificate must name the URL's host either way.
     */
    NettyHttpClient(EventLoopGroup group, Class<? extends SocketChannel> channelClass, int maxConnections, Duration timeout,
            SslContext tls) {
        this.ssl = tls;
        this.group = requireNonNull(group, "group");
        this.channelClass = requireNonNull(channelClass, "channelClass");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        this.maxConnections = maxConnections;
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /** What a server answered. */
    public record Answer(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
    }

    /**
     * Sends {@code method uri} with {@code headers} (name, value pairs) and {@code body} (may be null). Completes with the
     * answer, or exceptionally with an {@link IOException} (cannot connect, connection lost) or a {@link TimeoutException}.
     */
    public CompletableFuture<Answer> send(HttpMethod method, URI uri, String body, String... headers) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        FixedChannelPool pool;
        try {
            pool = pool(uri);
        } catch (IllegalArgumentException | SSLException e) {
            result.completeExceptionally(e);
            return result;
        }
        FullHttpRequest request = request(method, uri, body, headers);
        long deadline = System.nanoTime() + timeout.toNanos();
        pool.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                ReferenceCountUtil.release(request);
                Throwable cause = acquired.cause();
                result.completeExceptionally(cause instanceof TimeoutException
                        ? new TimeoutException(method + " " + uri + ": no connection within " + timeout.toMillis() + " ms")
                        : new IOException(method + " " + uri + ": cannot connect: " + cause, cause));
                return;
            }
            Channel ch = acquired.getNow();
            ch.eventLoop().execute(() -> {
                Exchange exchange = ch.pipeline().get(Exchange.class);
                if (exchange == null || !ch.isActive()) {
                    // Closed between the pool's health check and now.
                    ReferenceCountUtil.release(request);
                    pool.release(ch);
                    result.completeExceptionally(new IOException(method + " " + uri + ": the connection closed before"
                            + " the request was sent"));
                    return;
                }
                exchange.begin(result, pool, method + " " + uri, Math.max(1, deadline - System.nanoTime()));
                ch.writeAndFlush(request).addListener(written -> {
                    if (!written.isSuccess()) {
                        exchange.fail(new IOException(method + " " + uri + ": cannot send: " + written.cause(),
                                written.cause()));
                        ch.close();
                    }
                });
            });
        });
        return result;
    }

    private static FullHttpRequest request(HttpMethod method, URI uri, String body, String... headers) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, content);
        request.headers().set(HttpHeaderNames.HOST, uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.headers().set(headers[i], headers[i + 1]);
        }
        HttpUtil.setContentLength(request, content.readableBytes());
        return request;
    }

    private FixedChannelPool pool(URI uri) throws SSLException {
        if (closed) {
            throw new IllegalArgumentException("the HTTP client is closed");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("URL " + uri + " (expected: http:// or https://)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URL " + uri + " has no host (expected: http://host:port/...)");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String host = uri.getHost();
        SslContext context = tls ? sslContext() : null;
        return pools.computeIfAbsent(scheme + "://" + host + ":" + port, key -> {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass).remoteAddress(host, port)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
                @Override
                public void channelCreated(Channel ch) {
                    if (context != null) {
                        io.netty.handler.ssl.SslHandler tlsHandler = context.newHandler(ch.alloc(), host, port);
                        // The certificate must name the host we asked for (RFC 9110 §4.3.4), not just chain to a root.
                        javax.net.ssl.SSLParameters params = tlsHandler.engine().getSSLParameters();
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                        tlsHandler.engine().setSSLParameters(params);
                        ch.pipeline().addLast(tlsHandler);
                    }
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY), new Exchange());
                }
            }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL, timeout.toMillis(), maxConnections,
                    Integer.MAX_VALUE);
        });
    }

    private SslContext sslContext() throws SSLException {
        SslContext context = ssl;
        if (context == null) {
            synchronized (this) {
                if (ssl == null) {
                    ssl = SslContextBuilder.forClient().build();
                }
                context = ssl;
            }
        }
        return context;
    }

    @Override
    public void close() {
        closed = true;
        pools.values().forEach(FixedChannelPool::close);
        pools.clear();
    }

    /** One exchange at a time on a connection; the connection's event loop owns it. */
    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private CompletableFuture<Answer> pending;
        private FixedChannelPool pool;
        private String what;
        private ScheduledFuture<?> timer;
        private Channel channel;

        /** Called on this connection's loop, with the connection just acquired from {@code owner}. */
        void begin(CompletableFuture<Answer> result, FixedChannelPool owner, String description, long timeoutNanos) {
            pending = result;
            pool = owner;
            what = description;
            timer = channel.eventLoop().schedule(() -> {
                fail(new TimeoutException(what + ": no answer in time"));
                channel.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response && pending != null) {
                    Answer answer = new Answer(response.status().code(), response.headers().copy(),
                            response.content().toString(StandardCharsets.UTF_8));
                    boolean keepAlive = HttpUtil.isKeepAlive(response);
                    CompletableFuture<Answer> done = finish();
                    if (!keepAlive) {
                        ctx.close();
                    }
                    done.complete(answer);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException(what + ": the server closed the connection before answering"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(new IOException(what + ": " + cause, cause));
            ctx.close();
        }

        void fail(Throwable error) {
            if (channel.eventLoop().inEventLoop()) {
                CompletableFuture<Answer> done = finish();
                if (done != null) {
                    done.completeExceptionally(error);
                }
            } else {
                channel.eventLoop().execute(() -> fail(error));
            }
        }

        /** Ends the exchange and gives the connection back; the future to complete, or null if none was pending. */
        private CompletableFuture<Answer> finish() {
            CompletableFuture<Answer> done = pending;
            if (done == null) {
                return null;
            }
            pending = null;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            pool.release(channel);
            return done;
        }
    }
}
