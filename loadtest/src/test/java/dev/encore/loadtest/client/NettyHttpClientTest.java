package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyHttpClientTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private NettyHttpClient client(int connections, Duration timeout) {
        NettyHttpClient client = new NettyHttpClient(group, NioSocketChannel.class, connections, timeout);
        toClose.add(client);
        return client;
    }

    @Test
    void manyRequestsAtOnceShareTheKeptAliveConnections() throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/echo", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "/echo/" + body.length);
            exchange.sendResponseHeaders(201, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        toClose.add(() -> server.stop(0));
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo");
        NettyHttpClient client = client(3, Duration.ofSeconds(5));

        List<CompletableFuture<NettyHttpClient.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(client.send(HttpMethod.POST, uri, "body-" + i, "Content-Type", "text/plain"));
        }
        for (int i = 0; i < answers.size(); i++) {
            NettyHttpClient.Answer a = answers.get(i).get(10, TimeUnit.SECONDS);
            assertThat(a.status()).isEqualTo(201);
            assertThat(a.body()).isEqualTo("body-" + i);
            assertThat(a.headers().get("Location")).isEqualTo("/echo/" + ("body-" + i).length());
        }
        // 200 exchanges over at most 3 connections: kept alive and reused, not one connection per request.
        assertThat(clientPorts).hasSizeBetween(1, 3);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // reads nothing, answers nothing
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/whep/demo");

        CompletableFuture<NettyHttpClient.Answer> answer = client(1, Duration.ofMillis(300)).send(HttpMethod.POST, uri, "v=0");

        assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("POST " + uri)
                .hasMessageContaining("no answer in time");
    }

    @Test
    void aConnectionClosedBeforeTheAnswerFailsThatExchangeAndTheNextOneConnectsAfresh() throws Exception {
        ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(rude);
        Thread server = new Thread(() -> {
            try {
                // First connection: read the request, close without a word. Second: answer properly.
                try (Socket s = rude.accept()) {
                    readRequest(s.getInputStream());
                }
                try (Socket s = rude.accept()) {
                    readRequest(s.getInputStream());
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                            .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // the test fails on its own assertions
            }
        });
        server.setDaemon(true);
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + rude.getLocalPort() + "/x");
        NettyHttpClient client = client(1, Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.send(HttpMethod.GET, uri, null).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IOException.class).hasMessageContaining("closed the connection before answering");
        NettyHttpClient.Answer second = client.send(HttpMethod.GET, uri, null).get(5, TimeUnit.SECONDS);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("ok");
    }

    @Test
    void nothingListeningIsAnIoErrorNamingTheRequest() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + closedPort + "/whep/demo");
        assertThatThrownBy(() -> client(1, Duration.ofSeconds(5)).send(HttpMethod.POST, uri, "v=0").get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IOException.class).hasMessageContaining("POST " + uri)
                .hasMessageContaining("cannot connect");
    }

    /** HTTPS: the exchange works against a certificate the client trusts that names the host, and only then. */
    @Test
    void httpsChecksTheCertificateAndItsHostName() throws Exception {
        io.netty.handler.ssl.util.SelfSignedCertificate cert = new io.netty.handler.ssl.util.SelfSignedCertificate("localhost");
        io.netty.handler.ssl.SslContext serverTls = io.netty.handler.ssl.SslContextBuilder
                .forServer(cert.certificate(), cert.privateKey()).build();
        io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                        ch.pipeline().addLast(serverTls.newHandler(ch.alloc()),
                                new io.netty.handler.codec.http.HttpServerCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(1 << 16),
                                new io.netty.channel.SimpleChannelInboundHandler<io.netty.handler.codec.http.FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                            io.netty.handler.codec.http.FullHttpRequest req) {
                                        io.netty.handler.codec.http.FullHttpResponse res =
                                                new io.netty.handler.codec.http.DefaultFullHttpResponse(
                                                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                                        io.netty.handler.codec.http.HttpResponseStatus.CREATED,
                                                        io.netty.buffer.Unpooled.copiedBuffer("over tls", StandardCharsets.UTF_8));
                                        io.netty.handler.codec.http.HttpUtil.setContentLength(res, 8);
                                        ctx.writeAndFlush(res);
                                    }
                                });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        toClose.add(() -> server.close().sync());
        toClose.add(cert::delete);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        io.netty.handler.ssl.SslContext trusting = io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(cert.cert()).build();
        NettyHttpClient client = new NettyHttpClient(group, NioSocketChannel.class, 2, Duration.ofSeconds(5), trusting);
        toClose.add(client);

        NettyHttpClient.Answer answer = client.send(HttpMethod.POST, URI.create("https://localhost:" + port + "/whep/x"),
                "v=0").get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("over tls");

        // The same trusted certificate, reached by a name it does not carry: refused.
        URI wrongName = URI.create("https://127.0.0.1:" + port + "/whep/x");
        assertThatThrownBy(() -> client.send(HttpMethod.POST, wrongName, "v=0").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class);
        // A certificate nobody vouched for (the JDK's roots): refused.
        NettyHttpClient defaults = client(1, Duration.ofSeconds(5));
        assertThatThrownBy(() -> defaults.send(HttpMethod.POST, URI.create("https://localhost:" + port + "/whep/x"), "v=0")
                .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class);
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedWithWhatWasExpected() {
        CompletableFuture<NettyHttpClient.Answer> answer = client(1, Duration.ofSeconds(1))
                .send(HttpMethod.GET, URI.create("ftp://127.0.0.1/x"), null);
        assertThatThrownBy(answer::join).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://127.0.0.1/x").hasMessageContaining("expected: http:// or https://");
    }

    /** Reads one request's head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }
}
