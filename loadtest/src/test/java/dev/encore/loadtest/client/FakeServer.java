package dev.encore.loadtest.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.encore.protocol.demux.PacketKind;
import dev.encore.protocol.dtls.DtlsCookieGate;
import dev.encore.protocol.dtls.DtlsEndpoint;
import dev.encore.protocol.dtls.DtlsIdentity;
import dev.encore.protocol.rtcp.ReceiverReport;
import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.RtcpPacket;
import dev.encore.protocol.sdp.AudioOffer;
import dev.encore.protocol.sdp.Direction;
import dev.encore.protocol.sdp.LocalMedia;
import dev.encore.protocol.sdp.WebRtcSdp;
import dev.encore.protocol.srtp.SrtpKeys;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.protocol.stun.BindingRequest;
import dev.encore.protocol.stun.IceCredentials;
import dev.encore.protocol.stun.StunCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for an Encore server that the test controls packet by packet: WHEP over a JDK HTTP server, ICE-lite answers,
 * a DTLS server endpoint, and a UDP socket the test can send anything through. Built from the protocol module's server
 * side, so it speaks the same wire format as the media server. Its receive thread is its own.
 */
final class FakeServer implements AutoCloseable {
    static final long SSRC = 0x1122_3344L;
    static final String SHOW = "hostile";

    final IceCredentials ice = IceCredentials.random();
    final DtlsIdentity identity = DtlsIdentity.generate();
    final DatagramSocket udp;
    final HttpServer http;
    final List<String> httpRequests = new CopyOnWriteArrayList<>();
    final List<ReceiverReport> receiverReports = new CopyOnWriteArrayList<>();
    final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
    volatile boolean answerStun = true;
    volatile int stunRequests;
    volatile InetSocketAddress client;
    private volatile AudioOffer offer;
    private volatile DtlsEndpoint dtls;
    private volatile SrtpSession srtp;
    private final DtlsCookieGate gate = new DtlsCookieGate();
    private final ExecutorService dtlsPool = Executors.newSingleThreadExecutor();
    private final Thread receiver;
    private volatile boolean closed;

    FakeServer() throws IOException {
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setSoTimeout(50);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/whep/", this::whep);
        http.start();
        receiver = new Thread(this::receiveLoop, "fake-server-udp");
        receiver.setDaemon(true);
        receiver.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** The server's SRTP session, once the handshake is done. */
    synchronized SrtpSession srtp() {
        if (srtp == null) {
            srtp = SrtpSession.forServer(keys.join());
        }
        return srtp;
    }

    void send(byte[] data) throws IOException {
        udp.send(new DatagramPacket(data, data.length, client));
    }

    private void whep(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        httpRequests.add(exchange.getRequestMethod() + " " + path);
        try {
            if (exchange.getRequestMethod().equals("POST") && path.equals("/whep/" + SHOW)) {
                offer = WebRtcSdp.parseOffer(body);
                LocalMedia local = new LocalMedia(ice, identity.fingerprint(), "127.0.0.1", udp.getLocalPort(), Direction.SENDONLY,
                        SSRC, "fake", "fake", true, 0);
                exchange.getResponseHeaders().add("Location", "/whep/" + SHOW + "/session-1");
                respond(exchange, 201, WebRtcSdp.answer(offer, local));
            } else if (exchange.getRequestMethod().equals("DELETE")) {
                respond(exchange, 200, "");
            } else {
                respond(exchange, 404, "no such show: " + path);
            }
        } catch (Exception e) {
            respond(exchange, 400, e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
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
                // a fake server: ignore what it does not understand
            }
        }
    }

    private void handle(byte[] data, InetSocketAddress from) throws Exception {
        switch (PacketKind.classify(data, 0, data.length)) {
            case STUN -> {
                stunRequests++;
                BindingRequest request = StunCodec.decodeRequest(data, 0, data.length, ice);
                client = from;
                if (answerStun) {
                    byte[] response = StunCodec.encodeSuccess(request, from, ice);
                    udp.send(new DatagramPacket(response, response.length, from));
                }
            }
            case DTLS -> {
                if (dtls != null) {
                    dtls.receive(data, 0, data.length);
                    return;
                }
                byte[] clientId = ByteBuffer.allocate(18).put(from.getAddress().getAddress()).putShort((short) from.getPort()).array();
                DtlsCookieGate.Admission admission = gate.admit(clientId, data, 0, data.length, reply -> sendQuietly(reply, from));
                if (admission != null) {
                    dtls = DtlsEndpoint.server(identity, offer.fingerprint(), out -> sendQuietly(out, from), admission);
                    dtls.start(dtlsPool, Duration.ofSeconds(5)).whenComplete((k, e) -> {
                        if (e != null) {
                            keys.completeExceptionally(e);
                        } else {
                            keys.complete(k);
                        }
                    });
                }
            }
            case RTCP -> {
                int n = srtp().unprotectRtcp(data, 0, data.length);
                if (n > 0) {
                    for (RtcpPacket packet : RtcpCodec.parse(data, 0, n)) {
                        if (packet instanceof ReceiverReport rr) {
                            receiverReports.add(rr);
                        }
                    }
                }
            }
            default -> {
            }
        }
    }

    private void sendQuietly(byte[] data, InetSocketAddress to) {
        try {
            udp.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            // the test will notice
        }
    }

    @Override
    public void close() {
        closed = true;
        http.stop(0);
        udp.close();
        if (dtls != null) {
            dtls.close();
        }
        dtlsPool.shutdownNow();
    }
}
