package dev.encore.signaling;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Takes {@code GET /ws/{show}} requests out of an HTTP pipeline and upgrades them
 * (<a href="https://www.rfc-editor.org/rfc/rfc6455#section-4.2">RFC 6455 §4.2</a>) to a {@link ShowSocket}; passes every
 * other request on untouched. After the upgrade the connection's pipeline is: Netty's WebSocket decoder/encoder (frames up
 * to {@value #MAX_FRAME_BYTES} bytes, bigger ones closed with 1009), an idle handler (ping after silence), a frame
 * aggregator, the socket.
 *
 * <p>Sharable and stateless: runs on any event loop.
 */
@ChannelHandler.Sharable
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
    /** Frames bigger than this close the connection (1009); messages between 4 KiB and this get a {@code too_large} error. */
    static final int MAX_FRAME_BYTES = 16 * 1024;
    static final String PREFIX = "/ws/";

    private final ShowChannel owner;

    WebSocketUpgrade(ShowChannel owner) {
        this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || !request.uri().startsWith(PREFIX)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            upgrade(ctx, request);
        } finally {
            request.release();
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        String showId = path.substring(PREFIX.length());
        ShowLoop loop = owner.loop(showId);
        if (loop == null || showId.contains("/")) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no such show channel: " + Wire.clip(path, 60)
                    + " (expected: /ws/<show id> of a configured show)");
            return;
        }
        if (!HttpMethod.GET.equals(request.method()) || !request.decoderResult().isSuccess()
                || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "not a WebSocket upgrade (expected: GET " + PREFIX + showId
                    + " with Upgrade: websocket)");
            return;
        }
        List<String> t = query.parameters().get("t");
        String token = t == null || t.isEmpty() ? null : t.get(0);
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + path, null, config)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
        ShowSocket socket = new ShowSocket(owner, loop, handshaker, token, address);
        ShowLoop.Settings s = loop.settings();
        String name = ctx.name();
        ctx.pipeline().addAfter(name, "show-socket", socket);
        ctx.pipeline().addBefore("show-socket", "show-idle", new IdleStateHandler(s.pingAfter().toMillis(), 0, 0,
                TimeUnit.MILLISECONDS));
        ctx.pipeline().addBefore("show-socket", "show-frames", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
        handshaker.handshake(ctx.channel(), request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
