package dev.encore.loadtest;

import dev.encore.protocol.demux.PacketKind;
import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import dev.encore.show.AccessMode;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.TokenAuthority;
import dev.encore.signaling.ShowChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Encore-shaped server in process for the load tool's end-to-end tests (the real media server cannot be a dependency of
 * this module: its tests depend on this one). It speaks the same wire protocols with the protocol module's server side:
 * HTTP (WHIP with the performer key, WHEP with a capacity and 503 when full, DELETE, {@code /api/shows/{show}},
 * {@code /metrics}), the real show channel ({@link ShowChannel} at {@code /ws/{show}}), and one UDP port: ICE-lite answers
 * (one set of credentials for every session, found by the client's ufrag), DTLS-SRTP (server, verifying each client's
 * fingerprint), and a relay of the publisher's SRTP to every connected listener, re-protected per listener. It counts
 * what it relays per listener, and can inject faults into one listener's copies: drop every Nth, or delay by a fixed time.
 *
 * <p>Threads: Netty's HTTP loops, one UDP receive thread that owns the relay, a DTLS handshake pool and a scheduler for
 * delayed copies.
 */
final class LoopbackShowServer implements AutoCloseable {
    static final String SHOW = "lt";
    static final String KEY = "loopback-show-performer-key-0123456789";

    private final IceCredentials ice = IceCredentials.random();
    private final DtlsIdentity identity = DtlsIdentity.generate();
    private final DtlsCookieGate gate = new DtlsCookieGate();
    private final DatagramSocket udp;
    private final ShowChannel shows;
    private final EventLoopGroup group;
    private final Channel http;
    private final ExecutorService dtlsPool = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
    private final Thread receiver;
    private final Map<String, Peer> byUfrag = new ConcurrentHashMap<>();
    private final Map<String, Peer> byId = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Peer> byAddress = new ConcurrentHashMap<>();
    private final AtomicInteger listenerIndex = new AtomicInteger();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Map<Integer, Integer> dropEveryNth = new ConcurrentHashMap<>();
    private final Map<Integer, Long> delayMillis = new ConcurrentHashMap<>();
    private volatile int capacity = Integer.MAX_VALUE;
    private volatile boolean closed;

    LoopbackShowServer(Path dataDir) throws Exception {
        LoadRun.warmUpCrypto();
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(50);
        udp.setReceiveBufferSize(4 << 20);
        TokenAuthority tokens = new TokenAuthority(ServerSecret.ofValue("0123456789abcdef0123456789abcdef0123456789"));
        ShowConfig show = new ShowConfig(null, SHOW, "Loopback", Secret.of(KEY), AccessMode.OPEN, null, null);
        shows = ShowChannel.start(List.of(show), tokens, dataDir, Clock.systemUTC());
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        http = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), shows.httpHandler(),
                                new Routes());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        receiver = new Thread(this::receiveLoop, "loopback-show-udp");
        receiver.setDaemon(true);
        receiver.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) http.localAddress()).getPort());
    }

    void capacity(int listeners) {
        capacity = listeners;
    }

    /** Drops every {@code n}th copy to the listener that was the {@code index}th to POST (from 0). */
    void dropEveryNth(int index, int n) {
        dropEveryNth.put(index, n);
    }

    /** Delays every copy to the {@code index}th listener by {@code millis}. */
    void delay(int index, long millis) {
        delayMillis.put(index, millis);
    }

    long packetsOut() {
        return packetsOut.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Copies relayed (sent or delayed, not dropped) to the {@code index}th listener. */
    long relayedTo(int index) {
        return byId.values().stream().filter(p -> !p.publisher && p.index == index).mapToLong(p -> p.relayed.get()).sum();
    }

    private long connectedListeners() {
        return byId.values().stream().filter(p -> !p.publisher).count();
    }

    // ---- HTTP ----

    private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.uri().replaceAll("\\?.*$", "");
            String body = req.content().toString(StandardCharsets.UTF_8);
            FullHttpResponse r;
            try {
                r = route(req.method(), path, body, req.headers().get(HttpHeaderNames.AUTHORIZATION));
            } catch (Exception e) {
                r = text(HttpResponseStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setContentLength(r, r.content().readableBytes());
            if (keepAlive) {
                HttpUtil.setKeepAlive(r, true);
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private FullHttpResponse route(HttpMethod method, String path, String body, String auth) throws Exception {
        if (method.equals(HttpMethod.GET) && path.equals("/api/shows/" + SHOW)) {
            return text(HttpResponseStatus.OK, "{\"id\":\"" + SHOW + "\"}");
        }
        if (method.equals(HttpMethod.GET) && path.equals("/metrics")) {
            return text(HttpResponseStatus.OK, "# TYPE encore_media_packets_out counter\nencore_media_packets_out_total "
                    + packetsOut.get() + "\nencore_dropped_packets_total{reason=\"fault\"} " + dropped.get()
                    + "\nencore_media_listeners{show=\"" + SHOW + "\"} " + connectedListeners()
                    + "\nencore_media_server_delay_seconds{quantile=\"0.99\"} 0.001\nother_metric 1\n");
        }
        boolean whip = path.equals("/whip/" + SHOW);
        boolean whep = path.equals("/whep/" + SHOW);
        if (method.equals(HttpMethod.POST) && (whip || whep)) {
            if (whip && !("Bearer " + KEY).equals(auth)) {
                return text(HttpResponseStatus.UNAUTHORIZED, "performer key required");
            }
            if (whep && connectedListeners() >= capacity) {
                return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "show is full");
            }
            AudioOffer offer = WebRtcSdp.parseOffer(body);
            Peer peer = new Peer(UUID.randomUUID().toString(), whip, whip ? -1 : listenerIndex.getAndIncrement(), offer);
            LocalMedia local = new LocalMedia(ice, identity.fingerprint(), "127.0.0.1", udp.getLocalPort(),
                    whip ? Direction.RECVONLY : Direction.SENDONLY, 0x5EED, "loopback", "loopback", true, 0);
            String answer = WebRtcSdp.answer(offer, local);
            byUfrag.put(offer.remoteIce().ufrag(), peer);
            byId.put(peer.id, peer);
            FullHttpResponse r = text(HttpResponseStatus.CREATED, answer);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/sdp");
            r.headers().set(HttpHeaderNames.LOCATION, path + "/" + peer.id);
            return r;
        }
        if (method.equals(HttpMethod.DELETE) && (path.startsWith("/whep/" + SHOW + "/") || path.startsWith("/whip/" + SHOW + "/"))) {
            Peer peer = byId.remove(path.substring(path.lastIndexOf('/') + 1));
            if (peer == null) {
                return text(HttpResponseStatus.NOT_FOUND, "no such session");
            }
            byUfrag.remove(peer.offer.remoteIce().ufrag());
            if (peer.address != null) {
                byAddress.remove(peer.address);
            }
            return text(HttpResponseStatus.OK, "");
        }
        return text(HttpResponseStatus.NOT_FOUND, "no such route: " + method + " " + path);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    // ---- UDP ----

    /** One WHIP or WHEP session. */
    private static final class Peer {
        final String id;
        final boolean publisher;
        final int index;
        final AudioOffer offer;
        final AtomicLong relayed = new AtomicLong();
        volatile InetSocketAddress address;
        volatile DtlsEndpoint dtls;
        volatile SrtpSession srtp;
        long copies;

        Peer(String id, boolean publisher, int index, AudioOffer offer) {
            this.id = id;
            this.publisher = publisher;
            this.index = index;
            this.offer = offer;
        }
    }

    private void receiveLoop() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            try {
                handle(Arrays.copyOf(p.getData(), p.getLength()), (InetSocketAddress) p.getSocketAddress());
            } catch (Exception e) {
                // a test server: drop what it does not understand
            }
        }
    }

    private void handle(byte[] data, InetSocketAddress from) throws Exception {
        switch (PacketKind.classify(data, 0, data.length)) {
            case STUN -> {
                String username = StunCodec.peekUsername(data, 0, data.length);
                Peer peer = username == null ? null : byUfrag.get(username.substring(username.indexOf(':') + 1));
                if (peer == null) {
                    return;
                }
                BindingRequest request = StunCodec.decodeRequest(data, 0, data.length, ice);
                peer.address = from;
                byAddress.put(from, peer);
                byte[] response = StunCodec.encodeSuccess(request, from, ice);
                udp.send(new DatagramPacket(response, response.length, from));
            }
            case DTLS -> {
                Peer peer = byAddress.get(from);
                if (peer == null) {
                    return;
                }
                if (peer.dtls != null) {
                    peer.dtls.receive(data, 0, data.length);
                    return;
                }
                byte[] clientId = ByteBuffer.allocate(18).put(from.getAddress().getAddress()).putShort((short) from.getPort()).array();
                DtlsCookieGate.Admission admission = gate.admit(clientId, data, 0, data.length, reply -> send(reply, from));
                if (admission != null) {
                    peer.dtls = DtlsEndpoint.server(identity, peer.offer.fingerprint(), out -> send(out, from), admission);
                    peer.dtls.start(dtlsPool, Duration.ofSeconds(10)).whenComplete((keys, e) -> {
                        if (e == null) {
                            peer.srtp = SrtpSession.forServer(keys);
                        }
                    });
                }
            }
            case RTP -> {
                Peer peer = byAddress.get(from);
                if (peer == null || !peer.publisher || peer.srtp == null) {
                    return;
                }
                int n = peer.srtp.unprotectRtp(data, 0, data.length);
                if (n > 0) {
                    relay(data, n);
                }
            }
            default -> {
            }
        }
    }

    private void relay(byte[] rtp, int len) {
        for (Peer l : byId.values()) {
            if (l.publisher || l.srtp == null || l.address == null) {
                continue;
            }
            long copy = l.copies++;
            Integer nth = dropEveryNth.get(l.index);
            if (nth != null && copy % nth == 0) {
                dropped.incrementAndGet();
                continue;
            }
            byte[] out = Arrays.copyOf(rtp, len + SrtpSession.MAX_OVERHEAD);
            int n = l.srtp.protectRtp(out, 0, len);
            if (n < 0) {
                continue;
            }
            byte[] packet = Arrays.copyOf(out, n);
            InetSocketAddress to = l.address;
            l.relayed.incrementAndGet();
            packetsOut.incrementAndGet();
            Long delay = delayMillis.get(l.index);
            if (delay != null) {
                delayer.schedule(() -> send(packet, to), delay, TimeUnit.MILLISECONDS);
            } else {
                send(packet, to);
            }
        }
    }

    private void send(byte[] data, InetSocketAddress to) {
        try {
            udp.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            // the test will notice
        }
    }

    @Override
    public void close() {
        closed = true;
        http.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        shows.close();
        udp.close();
        for (Peer p : byId.values()) {
            if (p.dtls != null) {
                p.dtls.close();
            }
        }
        dtlsPool.shutdownNow();
        delayer.shutdownNow();
    }
}
