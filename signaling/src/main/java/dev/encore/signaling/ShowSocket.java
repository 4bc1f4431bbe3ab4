package dev.encore.signaling;

import dev.encore.show.live.Tier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's WebSocket on the show channel, after the handshake: frames in, rate limits, strict parsing, hello
 * (authentication), then commands handed to the show's {@link ShowLoop}; answers and broadcasts out.
 *
 * <p><b>Closing</b> follows the closing handshake of <a href="https://www.rfc-editor.org/rfc/rfc6455#section-7.1.1">RFC
 * 6455 §7.1.1</a>: the server sends its Close frame, writes no frame after it, keeps reading (and dropping) what the
 * client still sends, and closes the TCP connection when the client's Close arrives or {@link #CLOSE_WAIT_MILLIS} later.
 * Closing the connection at once would make the kernel answer a client that is still sending with a reset, and a reset
 * can discard the Close frame before the client reads it: a browser would see 1006 instead of the status and reason.
 *
 * <p><b>Threads:</b> Netty calls it on the channel's event loop; {@link #role}, {@link #tier} are written there once (at
 * hello) before the socket is handed to the loop. {@link #stale} belongs to the show loop's thread. {@link #send} and
 * {@link #sendShared} may be called from any thread.
 */
final class ShowSocket extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ShowSocket.class);
    private static final long RATE_ERROR_EVERY_NANOS = 1_000_000_000L;
    /** How long the server waits for the client's Close after sending its own. */
    static final long CLOSE_WAIT_MILLIS = 2_000;
    private static final ClosedChannelException AFTER_CLOSE = new ClosedChannelException();

    private final ShowChannel channelOwner;
    private final ShowLoop loop;
    private final WebSocketServerHandshaker handshaker;
    private final String queryToken;
    private final InetAddress address;
    private final TokenBucket connectionBucket;
    private final TokenBucket addressBucket;
    private final TokenBucket abuseBucket;
    private final int idleLimit;
    private Channel channel;
    private volatile Role role;
    private volatile Tier tier;
    private boolean helloSeen;
    /** A Close frame went out: every later frame, in or out, is dropped. Event loop only. */
    private boolean closeFrameOut;
    private int idleStrikes;
    private long lastRateErrorNanos;
    /** Skipped a broadcast; gets a whole state when writable again. Show loop thread only. */
    boolean stale;

    ShowSocket(ShowChannel channelOwner, ShowLoop loop, WebSocketServerHandshaker handshaker, String queryToken,
            InetAddress address) {
        this.channelOwner = channelOwner;
        this.loop = loop;
        this.handshaker = handshaker;
        this.queryToken = queryToken;
        this.address = address;
        RateLimits limits = loop.settings().limits();
        this.connectionBucket = limits.connectionBucket();
        this.addressBucket = limits.open(address);
        this.abuseBucket = limits.abuseBucket();
        ShowLoop.Settings s = loop.settings();
        this.idleLimit = (int) Math.max(1, s.idleTimeout().toMillis() / s.pingAfter().toMillis());
    }

    Role role() {
        return role;
    }

    Tier tier() {
        return tier;
    }

    Channel channel() {
        return channel;
    }

    boolean writable() {
        return channel != null && channel.isWritable();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        idleStrikes = 0;
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (closeFrameOut && !(frame instanceof CloseWebSocketFrame)) {
                return;
            }
            if (frame instanceof CloseWebSocketFrame close) {
                if (closeFrameOut) {
                    ctx.close(); // the client's answer to our Close: the handshake is done
                } else {
                    handshaker.close(ctx.channel(), close.retain()); // echoes the client's Close, then closes
                }
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof PongWebSocketFrame) {
                return; // a sign of life, counted above
            } else if (frame instanceof TextWebSocketFrame text) {
                onText(text);
            } else if (frame instanceof BinaryWebSocketFrame) {
                if (admit()) {
                    send(ServerMessage.Error.of(null, "bad_message", "a binary frame (expected: text frames with JSON)"));
                }
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void onText(TextWebSocketFrame frame) {
        if (!admit()) {
            return;
        }
        int bytes = frame.content().readableBytes();
        if (bytes > Wire.MAX_MESSAGE_BYTES) {
            send(ServerMessage.Error.of(null, "too_large", "message of " + bytes + " bytes (expected: at most "
                    + Wire.MAX_MESSAGE_BYTES + ")"));
            return;
        }
        Wire.Parsed parsed;
        try {
            parsed = Wire.parse(frame.content().toString(StandardCharsets.UTF_8));
        } catch (ProtocolException e) {
            send(ServerMessage.Error.of(e.id(), e.code(), e.getMessage()));
            return;
        }
        ClientMessage message = parsed.message();
        String id = parsed.id();
        if (message instanceof ClientMessage.Hello hello) {
            onHello(hello, id);
            return;
        }
        Role r = role;
        if (r == null) {
            send(ServerMessage.Error.of(id, "hello_first", Wire.typeName(message) + " before hello (expected: hello as the"
                    + " first message)"));
            return;
        }
        if (message.performerOnly() && !r.performer()) {
            send(forbidden(id, message));
            return;
        }
        if (!loop.execute(() -> loop.command(r, message, id, this::send))) {
            send(ShowLoop.gone(id));
        }
    }

    private void onHello(ClientMessage.Hello hello, String id) {
        if (helloSeen) {
            send(ServerMessage.Error.of(id, "already_joined", "a second hello (expected: one hello per connection)"));
            return;
        }
        ShowChannel.Identity who;
        try {
            who = channelOwner.authenticate(loop.showId(), hello, queryToken);
        } catch (ProtocolException e) {
            send(ServerMessage.Error.of(id, e.code(), e.getMessage()));
            closeWith(1008, e.code());
            return;
        }
        helloSeen = true;
        tier = who.tier();
        role = who.role();
        if (!loop.execute(() -> loop.join(this))) {
            send(ShowLoop.gone(id));
            closeWith(1001, "show unavailable");
        }
    }

    /** The answer to a performer command from a listener. */
    static ServerMessage.Error forbidden(String id, ClientMessage message) {
        return ServerMessage.Error.of(id, "forbidden", Wire.typeName(message) + ": for the performer only (expected: a"
                + " listener message: request, upvote, vote, react)");
    }

    /** Takes a token from the connection's and the address's buckets; tells the client (once a second) when it cannot. */
    private boolean admit() {
        if (connectionBucket.tryTake() && addressBucket.tryTake()) {
            return true;
        }
        if (!abuseBucket.tryTake()) {
            LOG.info("show {}: closing a flooding connection from {}", loop.showId(), address);
            closeWith(1008, "rate limit");
            return false;
        }
        long now = System.nanoTime();
        if (lastRateErrorNanos == 0 || now - lastRateErrorNanos >= RATE_ERROR_EVERY_NANOS) {
            lastRateErrorNanos = now;
            send(ServerMessage.Error.of(null, "rate_limited", "too many messages (expected: at most "
                    + (int) loop.settings().limits().perConnection().perSecond() + " a second; messages over the limit are"
                    + " dropped)"));
        }
        return false;
    }

    /** Sends one message. Any thread. */
    void send(ServerMessage message) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(Wire.write(message))));
        }
    }

    /** Sends a shared, already serialized message; takes ownership of {@code json}. Any thread. */
    void sendShared(ByteBuf json) {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new TextWebSocketFrame(json));
        } else {
            json.release();
        }
    }

    /**
     * Sends a Close frame with this status and starts the closing handshake: the connection closes when the client
     * answers, or {@link #CLOSE_WAIT_MILLIS} later. Any thread.
     */
    void closeWith(int status, String reason) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        if (ch.eventLoop().inEventLoop()) {
            startClosing(ch, status, reason);
        } else {
            try {
                ch.eventLoop().execute(() -> startClosing(ch, status, reason));
            } catch (RejectedExecutionException e) {
                LOG.debug("show {}: the connection's loop is shut down, it closes with it", loop.showId());
            }
        }
    }

    private void startClosing(Channel ch, int status, String reason) {
        if (closeFrameOut || !ch.isActive()) {
            return;
        }
        ch.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        ch.eventLoop().schedule(() -> ch.close(), CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Lets the first Close frame out and drops every frame after it (RFC 6455 §5.5.1). Event loop. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof WebSocketFrame) {
            if (closeFrameOut) {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(AFTER_CLOSE);
                return;
            }
            if (msg instanceof CloseWebSocketFrame) {
                closeFrameOut = true;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && role != null) {
            loop.execute(() -> loop.resync(this));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (closeFrameOut) {
                return; // the close timer ends it
            }
            if (++idleStrikes >= idleLimit) {
                closeWith(1001, "no answer to pings");
            } else {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'e'})));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop.settings().limits().close(address);
        if (role != null) {
            loop.execute(() -> loop.leave(this));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException) {
            LOG.debug("show {}: closing a connection that sent a bad frame: {}", loop.showId(), cause.getMessage());
            closeWith(1009, "frame too large or malformed");
            return;
        }
        LOG.debug("show {}: connection failed", loop.showId(), cause);
        ctx.close();
    }
}
