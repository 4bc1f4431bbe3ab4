package dev.encore.app;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server on Netty: codec, a 64 KiB aggregator (413 beyond), then {@link HttpApi}. Its event loops are its own
 * (not the media loops). Native epoll where Netty has it (Linux), NIO elsewhere: the show channel's broadcasts are one
 * {@code write} per member socket, and NIO's write path (its own buffer copies and locks around the same system call) cost
 * the HTTP loops more per write (docs/benchmarks.md, "Fifth pass: the poll benchmark").
 */
final class HttpServer implements AutoCloseable {
    /** The largest request body accepted (an SDP offer is a few KiB). */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int IDLE_SECONDS = 120;

    private final EventLoopGroup group;
    private final Channel channel;

    private HttpServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code bindHost:port} (port 0 picks a free one) and serves {@code api}. */
    static HttpServer start(String bindHost, int port, HttpApi api) throws InterruptedException {
        return start(bindHost, port, api, null);
    }

    /**
     * Binds {@code bindHost:port} and serves {@code api}; {@code upgrades}, when not null, sees every whole request first and
     * takes the ones it serves (the show channel's {@code GET /ws/{show}}), passing the rest on. It must be sharable.
     */
    static HttpServer start(String bindHost, int port, HttpApi api, ChannelHandler upgrades) throws InterruptedException {
        return start(bindHost, port, api, upgrades, true);
    }

    /** As {@link #start(String, int, HttpApi, ChannelHandler)}; {@code preferEpoll} false serves over NIO (for tests). */
    static HttpServer start(String bindHost, int port, HttpApi api, ChannelHandler upgrades, boolean preferEpoll)
            throws InterruptedException {
        requireNonNull(bindHost, "bindHost");
        requireNonNull(api, "api");
        boolean epoll = preferEpoll && Epoll.isAvailable();
        if (preferEpoll && !epoll) {
            LOG.info("HTTP on NIO: epoll unavailable ({})", String.valueOf(Epoll.unavailabilityCause()));
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("encore-http", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                            p.addLast(new HttpServerCodec());
                            p.addLast(new TextTooLargeAggregator(MAX_BODY_BYTES, api.metrics()));
                            if (upgrades != null) {
                                p.addLast(upgrades);
                            }
                            p.addLast(new RequestHandler(api));
                        }
                    });
            Channel channel = bootstrap.bind(bindHost, port).sync().channel();
            return new HttpServer(group, channel);
        } catch (Exception e) { // also Netty's undeclared BindException
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** {@code epoll} or {@code nio}. */
    String transport() {
        return channel instanceof EpollServerSocketChannel ? "epoll" : "nio";
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Hands whole requests to the API and writes the answers in request order (HTTP/1.1 pipelining), honouring keep-alive.
     * An answer that is not ready yet (the action API) is written on the channel's event loop once it is, after the answers
     * to earlier requests. One instance per connection; runs on the channel's event loop.
     */
    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final HttpApi api;
        /** Completes when the answer to the latest request so far has been written. */
        private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

        RequestHandler(HttpApi api) {
            this.api = api;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            // The peer's address, for per-client limits; a client cannot set it (any such header it sent is replaced).
            java.net.SocketAddress peer = ctx.channel().remoteAddress();
            request.headers().set(HttpApi.PEER_HEADER, peer instanceof java.net.InetSocketAddress inet
                    ? inet.getAddress().getHostAddress() : "unknown");
            CompletableFuture<FullHttpResponse> answer = api.handle(request);
            if (written.isDone() && answer.isDone()) {
                write(ctx, answer.join(), keepAlive);
                return;
            }
            written = written.thenCombine(answer, (previous, response) -> response)
                    .thenAcceptAsync(response -> write(ctx, response, keepAlive), ctx.executor());
        }

        private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setKeepAlive(response, keepAlive);
            ChannelFuture sent = ctx.writeAndFlush(response);
            if (!keepAlive) {
                sent.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP connection from {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    /**
     * Netty's aggregator, but its 413 has a text body like every other error. Keeps Netty's choice of closing or draining:
     * close when the body has already arrived or the client won't keep the connection; otherwise the aggregator discards the
     * rest of the body and the connection lives on.
     */
    private static final class TextTooLargeAggregator extends HttpObjectAggregator {
        private final HttpMetrics metrics;

        TextTooLargeAggregator(int maxContentLength, HttpMetrics metrics) {
            super(maxContentLength);
            this.metrics = metrics;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
            if (!(oversized instanceof HttpRequest request)) {
                super.handleOversizedMessage(ctx, oversized);
                return;
            }
            FullHttpResponse response = HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "request body is too large (expected: at most " + MAX_BODY_BYTES + " bytes)");
            if (HttpApi.isCorsPath(request.uri())) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            }
            metrics.record(request.method().name(), "oversized", response.status().code());
            boolean close = oversized instanceof FullHttpRequest
                    || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
            if (close) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        }
    }
}
