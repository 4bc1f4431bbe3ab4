package dev.encore.loadtest.poll;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to a show's channel ({@code /ws/{show}}, docs/protocol.md "The show channel"), as {@link PollStorm}'s
 * clients speak it, for the load tool's voters, requesters and performer: WebSocket handshake, {@code hello} (with the
 * performer key for the performer), {@code welcome} + {@code state} = joined; commands with an {@code id} complete with
 * their {@code ack} or {@code error}; every other message goes to the {@link Observer} with its arrival time.
 *
 * <p>No thread of its own: the channel lives on one loop of the group given (shared by all clients). The observer runs on
 * that loop. {@link #send} and {@link #request} may be called from any thread.
 */
public final class ShowChannelClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sees the broadcasts ({@code poll}, {@code queue}, ...) a client receives, on its event loop. */
    @FunctionalInterface
    public interface Observer {
        void onMessage(ShowChannelClient client, String type, JsonNode message, long arrivalNanos);
    }

    private final URI uri;
    private final Observer observer;
    private final CompletableFuture<ShowChannelClient> joined = new CompletableFuture<>();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Channel channel;
    private volatile String listenerId;

    private ShowChannelClient(URI uri, Observer observer) {
        this.uri = uri;
        this.observer = observer;
    }

    /**
     * Connects and joins: completes when {@code welcome} and {@code state} arrived, or exceptionally (refused, closed, an
     * {@code error} such as {@code unauthorized}: the message names the code, never the key).
     *
     * @param channelClass the socket channel class matching {@code group}'s transport
     * @param local the source address to bind, or null
     * @param performerKey the performer key (a secret), or null for a listener
     */
    public static CompletableFuture<ShowChannelClient> join(EventLoopGroup group, Class<? extends SocketChannel> channelClass,
            URI uri, InetSocketAddress local, String performerKey, Observer observer) {
        requireNonNull(group, "group");
        requireNonNull(uri, "uri");
        ShowChannelClient client = new ShowChannelClient(uri, observer == null ? (c, t, m, a) -> { } : observer);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
        Bootstrap b = new Bootstrap().group(group).channel(channelClass).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                        .handshakeTimeoutMillis(10_000).maxFramePayloadLength(1 << 20).build();
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(ws), client.new Handler(performerKey));
            }
        });
        ChannelFuture f = local == null ? b.connect(remote) : b.connect(remote, local);
        f.addListener(r -> {
            if (!r.isSuccess()) {
                client.joined.completeExceptionally(new IllegalStateException("cannot connect to " + uri + ": " + r.cause()));
            }
        });
        return client.joined;
    }

    /** The listener id the server gave ({@code welcome}), or null for the performer. */
    public String listenerId() {
        return listenerId;
    }

    /** Sends a message as is (no id added). Any thread. */
    public void send(ObjectNode message) {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new TextWebSocketFrame(message.toString()), ch.voidPromise());
        }
    }

    /** A new message {@code {"type": type, "v": 1, "id": <fresh>}} to fill in and {@link #request}. */
    public ObjectNode command(String type) {
        return JSON.createObjectNode().put("type", type).put("v", 1).put("id", "c" + ids.incrementAndGet());
    }

    /** Sends a command made by {@link #command}; completes with its {@code ack} or {@code error} message. Any thread. */
    public CompletableFuture<JsonNode> request(ObjectNode command) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(command.path("id").asText(), answer);
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            pending.remove(command.path("id").asText());
            answer.completeExceptionally(new IllegalStateException("not connected to " + uri));
            return answer;
        }
        send(command);
        return answer;
    }

    /** Closes the connection. */
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** The loop this connection lives on (its observer and its requests' answers run there). */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /** The pipeline's last handler; owned by the channel's loop. */
    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final String performerKey;
        private boolean welcomed;

        Handler(String performerKey) {
            this.performerKey = performerKey;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                channel = ctx.channel();
                ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("v", 1);
                if (performerKey != null) {
                    hello.put("performerKey", performerKey);
                }
                send(hello);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                joined.completeExceptionally(new IllegalStateException("WebSocket handshake with " + uri + " timed out"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            joined.completeExceptionally(new IllegalStateException("closed by " + uri + " before joining"));
            IllegalStateException closed = new IllegalStateException("connection to " + uri + " closed");
            pending.values().forEach(p -> p.completeExceptionally(closed));
            pending.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            joined.completeExceptionally(new IllegalStateException(uri + ": " + cause));
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            long now = System.nanoTime();
            // Parsed from the frame's UTF-8 bytes: no String per message (5,000 members read every broadcast).
            JsonNode m;
            try (InputStream in = new ByteBufInputStream(frame.content())) {
                m = JSON.readTree(in);
            }
            String type = m.path("type").asText();
            switch (type) {
                case "welcome" -> {
                    welcomed = true;
                    listenerId = m.path("listenerId").isTextual() ? m.path("listenerId").asText() : null;
                }
                case "state" -> {
                    if (welcomed) {
                        joined.complete(ShowChannelClient.this);
                    }
                }
                case "ack", "error" -> {
                    CompletableFuture<JsonNode> p = m.hasNonNull("id") ? pending.remove(m.path("id").asText()) : null;
                    if (p != null) {
                        p.complete(m);
                        return;
                    }
                    if (type.equals("error") && !joined.isDone()) {
                        joined.completeExceptionally(new IllegalStateException("hello refused: " + m.path("code").asText()));
                        return;
                    }
                }
                default -> {
                }
            }
            observer.onMessage(ShowChannelClient.this, type, m, now);
        }
    }
}
