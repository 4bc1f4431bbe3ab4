package dev.encore.loadtest.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.Promise;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many listeners' datagrams through one socket, for a server on IPv4 loopback: each session sends from an address of its
 * own in 127.0.0.0/8 (so the server still sees one 5-tuple per listener, as ICE and SRTP need), and what the server sends
 * back to all of them arrives on one shared socket per {@value #SESSIONS_PER_SOCKET} sessions, read with {@code recvmmsg}
 * many datagrams per system call and handed to the session the datagram was addressed to (the original destination,
 * {@code IP_RECVORIGDSTADDR}).
 *
 * <p>Why: with a socket per listener every datagram costs the tool one {@code recv} and one epoll event, and on these
 * virtual machines a system call costs microseconds; the tool spent 40 % of its CPU in the kernel (docs/benchmarks.md).
 *
 * <p>How the two sockets of a session share the address: the shared socket is bound to the wildcard address and a port P;
 * each session's own socket is bound to its address 127.a.b.c:P (both with {@code SO_REUSEADDR}) and connected to itself,
 * so the kernel never delivers the server's datagrams to it (a connected UDP socket only matches datagrams from its peer)
 * and they fall through to the wildcard socket. The session sends through its own socket with the server as an explicit
 * destination, which Linux allows on a connected UDP socket. Epoll only (the two socket options are Linux's).
 *
 * <p>Threads: one per event loop, owned by that loop; every method is called on it but {@link #strays()}, which other
 * threads may read racily (reports, tests).
 */
final class LoopbackMux {
    /**
     * Sessions per shared socket. Its receive buffer (4 MiB asked, as much as {@code net.core.rmem_max} allows) must hold
     * their datagrams while the loop is busy elsewhere: in a storm of 2,000 joins the loops fell 1-3 s behind, and with
     * 1,000 or 100 sessions a socket overflowed (1.5 %, 0.8 % loss); 32 sessions' audio takes about 4 s to fill it.
     */
    static final int SESSIONS_PER_SOCKET = 32;
    /** Datagrams one {@code recvmmsg} reads at most. */
    static final int DATAGRAMS_PER_READ = 32;
    private static final int RECEIVE_BUFFER = 4 << 20;

    /** The next address to hand out, as the low 24 bits of 127.x.y.z; shared by every loop of a runtime. */
    private final AtomicInteger nextAddress;
    private final EventLoop loop;
    private final List<Port> ports = new ArrayList<>();
    private long strays;

    LoopbackMux(EventLoop loop, AtomicInteger nextAddress) {
        this.loop = loop;
        this.nextAddress = nextAddress;
    }

    /** True when a session to {@code server} can use a mux: an IPv4 loopback address. */
    static boolean serves(InetSocketAddress server) {
        return server.getAddress() instanceof Inet4Address a && a.isLoopbackAddress();
    }

    /**
     * Gives {@code session} an address of its own on a shared port. Completes with the session's own (send) channel, whose
     * pipeline holds {@code ownHandler}; the session gets its datagrams through {@link WebRtcSession#onDatagram} from then
     * until {@link #detach}.
     */
    Promise<Channel> attach(WebRtcSession<?> session, ChannelHandler ownHandler) {
        Promise<Channel> done = loop.newPromise();
        Port port = portWithRoom();
        port.bound.addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                ports.remove(port);
                done.setFailure(bound.cause());
                return;
            }
            InetSocketAddress local;
            try {
                InetAddress address = nextAddress();
                while (port.sessions.containsKey(address.hashCode())) {
                    address = nextAddress(); // only after 16 million sessions, when the addresses wrap
                }
                local = new InetSocketAddress(address, ((InetSocketAddress) bound.channel().localAddress()).getPort());
            } catch (UnknownHostException e) {
                port.active--;
                done.setFailure(e);
                return;
            }
            int key = local.getAddress().hashCode();
            port.sessions.put(key, session);
            new Bootstrap().group(loop).channel(EpollDatagramChannel.class).option(ChannelOption.SO_REUSEADDR, true)
                    .handler(ownHandler).connect(local, local).addListener((ChannelFuture own) -> {
                        if (own.isSuccess()) {
                            own.channel().closeFuture().addListener(closed -> detach(port, key, session));
                            done.setSuccess(own.channel());
                        } else {
                            detach(port, key, session);
                            done.setFailure(own.cause());
                        }
                    });
        });
        return done;
    }

    /** Datagrams that reached a shared socket for no session (one that left, or someone else's). */
    long strays() {
        return strays;
    }

    private void detach(Port port, int key, WebRtcSession<?> session) {
        if (port.sessions.remove(key, session)) {
            port.active--;
        }
    }

    private Port portWithRoom() {
        for (Port p : ports) {
            if (p.active < SESSIONS_PER_SOCKET) {
                p.active++;
                return p;
            }
        }
        Port p = new Port();
        p.active++;
        ports.add(p);
        return p;
    }

    /** 127.1.0.1 onwards, never a .0 or .255 host byte; wraps after 16 million sessions. */
    private InetAddress nextAddress() throws UnknownHostException {
        int n = nextAddress.getAndIncrement() & Integer.MAX_VALUE;
        int low = n % 254 + 1;
        int rest = n / 254;
        int b = 1 + (rest >>> 8) % 254;
        int c = rest & 0xFF;
        return InetAddress.getByAddress(new byte[] {127, (byte) b, (byte) c, (byte) low});
    }

    /** One shared socket and the sessions that receive through it. */
    private final class Port extends SimpleChannelInboundHandler<DatagramPacket> {
        final IntObjectHashMap<WebRtcSession<?>> sessions = new IntObjectHashMap<>();
        final ChannelFuture bound;
        /** Sessions attached or being attached. */
        int active;

        Port() {
            bound = new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                    .option(EpollChannelOption.IP_RECVORIGDSTADDR, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, WebRtcSession.MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(WebRtcSession.MAX_DATAGRAM * DATAGRAMS_PER_READ))
                    .handler(this).bind(new InetSocketAddress("0.0.0.0", 0));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress to = packet.recipient();
            WebRtcSession<?> session = to == null ? null : sessions.get(to.getAddress().hashCode());
            if (session == null) {
                strays++;
                return;
            }
            session.onDatagram(packet);
        }
    }
}
