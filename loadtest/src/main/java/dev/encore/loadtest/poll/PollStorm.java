package dev.encore.loadtest.poll;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * A poll storm against one show's channel ({@code /ws/{show}}, docs/protocol.md "The show channel"): N listeners join over
 * a ramp, the performer opens a poll, every listener votes once (spread uniformly), and we time vote to {@code ack}, vote to
 * the first {@code poll} broadcast after it, and the last vote to the moment every listener has seen the final tally.
 *
 * <p>All connections share one Netty event loop group (epoll when available); no thread per client. Listeners bind to
 * source addresses 127.0.0.2, .3, ... so the server's per-address rate limit (100 messages/s) is not what is measured.
 * Threads: {@link #run} is called from one thread; per-client state is written by event loops into atomic arrays and read
 * by the calling thread once the phases are over.
 */
public final class PollStorm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE_PREFIX = "{\"type\":\"queue\",";

    /**
     * What to run.
     *
     * @param uri the show channel, e.g. {@code ws://127.0.0.1:8080/ws/demo}
     * @param performerKey the show's performer key (never printed)
     * @param clients listeners
     * @param rampMillis listeners connect spread over this
     * @param voteMillis votes spread over this
     * @param options poll options (2..6)
     * @param sourceAddresses listeners spread over 127.0.0.2 .. 127.0.0.(1 + this); 0: no explicit bind
     * @param eventLoops event loop threads
     * @param timeoutMillis how long to wait for each phase beyond its nominal length
     * @param requestRate song requests per second after the votes (each from a different listener); 0: no request phase
     * @param requestMillis how long the request phase lasts
     * @param titles how many different songs the requests ask for (popular ones more often, so many merge as upvotes)
     */
    public record Config(URI uri, String performerKey, int clients, long rampMillis, long voteMillis, int options,
                         int sourceAddresses, int eventLoops, long timeoutMillis, int requestRate, long requestMillis,
                         int titles) {
        /** Without a request phase. */
        public Config(URI uri, String performerKey, int clients, long rampMillis, long voteMillis, int options,
                      int sourceAddresses, int eventLoops, long timeoutMillis) {
            this(uri, performerKey, clients, rampMillis, voteMillis, options, sourceAddresses, eventLoops, timeoutMillis, 0, 0,
                    1);
        }

        public Config {
            if (requestRate < 0 || requestMillis < 0 || titles < 1) {
                throw new IllegalArgumentException("bad request phase (expected: requestRate >= 0, requestMillis >= 0,"
                        + " titles >= 1)");
            }
            requireNonNull(uri, "uri");
            requireNonNull(performerKey, "performerKey");
            if (clients < 1 || options < 2 || options > 6 || sourceAddresses < 0 || sourceAddresses > 250) {
                throw new IllegalArgumentException("bad config (expected: clients >= 1, options 2..6, sourceAddresses 0..250)");
            }
        }

        @Override
        public String toString() {
            return "Config[uri=" + uri + ", clients=" + clients + ", rampMillis=" + rampMillis + ", voteMillis=" + voteMillis
                    + ", options=" + options + ", sourceAddresses=" + sourceAddresses + ", requestRate=" + requestRate
                    + ", requestMillis=" + requestMillis + ", titles=" + titles + "]";
        }
    }

    /** Results, latencies in microseconds. */
    public record Result(int clients, int joined, int failedJoins, int votesSent, int acked, int voteErrors, int finalSeen,
                         long finalTotalExpected, Histogram join, Histogram ack, Histogram tallySeen, Histogram finalPerClient,
                         long allFinalMicros, List<String> errors, Requests requests) {
        /** Prints the table. */
        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "clients %d, joined %d (failed %d), votes sent %d, acked %d, vote errors %d%n",
                    clients, joined, failedJoins, votesSent, acked, voteErrors);
            out.printf(Locale.ROOT, "%-38s %8s %10s %10s %10s%n", "metric (ms)", "count", "p50", "p99", "max");
            row(out, "hello -> state (join)", join);
            row(out, "vote -> ack", ack);
            row(out, "vote -> first poll broadcast", tallySeen);
            row(out, "last vote -> final tally (per client)", finalPerClient);
            out.printf(Locale.ROOT, "final tally (total %d) seen by %d/%d clients; last vote -> ALL seen: %s%n",
                    finalTotalExpected, finalSeen, joined, allFinalMicros < 0 ? "never (timeout)" : ms(allFinalMicros) + " ms");
            if (requests != null) {
                requests.print(out);
            }
            errors.stream().limit(10).forEach(e -> out.println("error: " + e));
        }

        private static void row(PrintStream out, String name, Histogram h) {
            out.printf(Locale.ROOT, "%-38s %8d %10s %10s %10s%n", name, h.getTotalCount(), ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
        }

        private static String ms(long micros) {
            return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
        }
    }

    /**
     * The request phase: submissions acked or refused; request to {@code ack}; request to the first {@code queue} broadcast
     * after its ack; and whether every listener ended with the same queue as the performer, each shown song with exactly
     * as many votes as acknowledged submissions for it.
     *
     * @param sent requests sent
     * @param acked acknowledged (new requests and merged upvotes)
     * @param merged acknowledged as an upvote of an earlier request for the same song
     * @param refused answered with an error, by code
     * @param ack request to ack
     * @param queueSeen request to the first queue broadcast after its ack
     * @param clientsWithFinalQueue listeners whose last queue equals the performer's
     * @param clientsChecked listeners that should have it
     * @param shown songs in the final queue broadcast
     * @param queueSize the final queue's size (open requests)
     * @param votesMismatched shown songs whose votes differ from the acks counted for them
     */
    public record Requests(int sent, int acked, int merged, Map<String, Integer> refused, Histogram ack,
                           Histogram queueSeen, int clientsWithFinalQueue, int clientsChecked, int shown, int queueSize,
                           int votesMismatched) {
        void print(PrintStream out) {
            out.printf(Locale.ROOT, "requests sent %d, acked %d (merged %d), refused %s%n", sent, acked, merged, refused);
            Result.row(out, "request -> ack", ack);
            Result.row(out, "request -> first queue after ack", queueSeen);
            out.printf(Locale.ROOT, "final queue (%d open, %d shown) identical to the performer's at %d/%d listeners;"
                    + " shown songs with votes != acked submissions: %d%n", queueSize, shown, clientsWithFinalQueue,
                    clientsChecked, votesMismatched);
        }
    }

    private final Config config;
    private final AtomicLongArray helloSent;
    private final AtomicLongArray stateAt;
    private final AtomicLongArray voteSent;
    private final AtomicLongArray ackAt;
    private final AtomicLongArray firstPollAfterVote;
    private final AtomicLongArray finalAt;
    private final AtomicInteger voteErrors = new AtomicInteger();
    private final AtomicInteger failedJoins = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();
    private volatile long finalTotal = Long.MAX_VALUE;

    public PollStorm(Config config) {
        this.config = requireNonNull(config, "config");
        int n = config.clients();
        helloSent = new AtomicLongArray(n);
        stateAt = new AtomicLongArray(n);
        voteSent = new AtomicLongArray(n);
        ackAt = new AtomicLongArray(n);
        firstPollAfterVote = new AtomicLongArray(n);
        finalAt = new AtomicLongArray(n);
        requestSent = new AtomicLongArray(n);
        requestAck = new AtomicLongArray(n);
        requestQueueSeen = new AtomicLongArray(n);
    }

    private final AtomicLongArray requestSent;
    private final AtomicLongArray requestAck;
    private final AtomicLongArray requestQueueSeen;
    private final ConcurrentHashMap<String, Integer> requestRefused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> ackedPerTitle = new ConcurrentHashMap<>();
    private final AtomicInteger requestsMerged = new AtomicInteger();

    /** Runs the storm; blocks until done or timed out. */
    public Result run() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.eventLoops(), factory);
        int n = config.clients();
        Channel[] listeners = new Channel[n];
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
            URI uri = config.uri();
            InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());

            Client performer = new Client(-1);
            connect(bootstrap, remote, null, performer).get();
            performer.send(JSON.createObjectNode().put("type", "hello").put("v", 1).put("performerKey", config.performerKey()));
            awaitOrThrow(performer.joined, 10_000, "performer welcome+state");

            CountDownLatch joined = new CountDownLatch(n);
            long start = System.nanoTime();
            Client[] clients = new Client[n];
            for (int i = 0; i < n; i++) {
                int index = i;
                Client c = new Client(index);
                clients[i] = c;
                long delay = config.rampMillis() * i / n;
                InetSocketAddress local = config.sourceAddresses() == 0 ? null
                        : new InetSocketAddress("127.0.0." + (2 + i % config.sourceAddresses()), 0);
                group.schedule(() -> connect(bootstrap, remote, local, c).whenComplete((ch, t) -> {
                    if (t != null) {
                        failedJoins.incrementAndGet();
                        error("connect " + index + ": " + t);
                        joined.countDown();
                    } else {
                        listeners[index] = ch;
                        c.joined.whenComplete((v, e) -> joined.countDown());
                        helloSent.set(index, System.nanoTime());
                        c.send(JSON.createObjectNode().put("type", "hello").put("v", 1));
                    }
                }), Math.max(0, start + TimeUnit.MILLISECONDS.toNanos(delay) - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            joined.await(config.rampMillis() + config.timeoutMillis(), TimeUnit.MILLISECONDS);
            int ready = 0;
            for (int i = 0; i < n; i++) {
                if (stateAt.get(i) != 0) {
                    ready++;
                }
            }

            // A poll left open by an earlier run would refuse poll.open: close it first (an error here is fine).
            performer.request(JSON.createObjectNode().put("type", "poll.close").put("v", 1).put("id", "p0")).get(10, TimeUnit.SECONDS);
            var open = JSON.createObjectNode().put("type", "poll.open").put("v", 1).put("id", "p1").put("question", "Encore song?");
            var opts = open.putArray("options");
            for (int o = 0; o < config.options(); o++) {
                opts.add("Song " + (o + 1));
            }
            JsonNode ack = performer.request(open).get(10, TimeUnit.SECONDS);
            if (!"ack".equals(ack.path("type").asText())) {
                throw new IllegalStateException("poll.open refused: " + ack);
            }
            long pollId = ack.path("result").path("pollId").asLong();

            CountDownLatch acked = new CountDownLatch(ready);
            long voteStart = System.nanoTime();
            int votesSent = 0;
            for (int i = 0; i < n; i++) {
                Client c = clients[i];
                if (stateAt.get(i) == 0) {
                    continue;
                }
                votesSent++;
                int index = i;
                c.ackLatch = acked;
                long at = voteStart + TimeUnit.MILLISECONDS.toNanos(config.voteMillis() * i / n);
                listeners[i].eventLoop().schedule(() -> {
                    voteSent.set(index, System.nanoTime());
                    c.send(JSON.createObjectNode().put("type", "vote").put("v", 1).put("id", "v").put("pollId", pollId)
                            .put("option", index % config.options()));
                }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            acked.await(config.voteMillis() + config.timeoutMillis(), TimeUnit.MILLISECONDS);
            int ackCount = 0;
            long lastVote = 0;
            for (int i = 0; i < n; i++) {
                if (ackAt.get(i) != 0) {
                    ackCount++;
                }
                lastVote = Math.max(lastVote, voteSent.get(i));
            }
            // The final tally is what the server acknowledged: every acked vote counts once.
            finalTotal = ackCount;
            long deadline = System.currentTimeMillis() + config.timeoutMillis();
            int seen = 0;
            while (true) {
                seen = 0;
                for (int i = 0; i < n; i++) {
                    if (finalAt.get(i) != 0 || clients[i].lastTotal >= finalTotal && stateAt.get(i) != 0) {
                        clients[i].markFinal(finalTotal);
                        seen += finalAt.get(i) != 0 ? 1 : 0;
                    }
                }
                if (seen >= ready || System.currentTimeMillis() > deadline) {
                    break;
                }
                Thread.sleep(50);
            }

            Requests requests = config.requestRate() > 0 ? requestPhase(clients, listeners, performer) : null;

            Histogram join = histogram();
            Histogram ackH = histogram();
            Histogram tally = histogram();
            Histogram fin = histogram();
            long allFinal = 0;
            for (int i = 0; i < n; i++) {
                record(join, helloSent.get(i), stateAt.get(i));
                record(ackH, voteSent.get(i), ackAt.get(i));
                record(tally, voteSent.get(i), firstPollAfterVote.get(i));
                record(fin, lastVote, finalAt.get(i));
                allFinal = Math.max(allFinal, finalAt.get(i));
            }
            long allFinalMicros = seen >= ready && ready > 0 ? Math.max(0, (allFinal - lastVote) / 1000) : -1;
            synchronized (errors) {
                return new Result(n, ready, failedJoins.get(), votesSent, ackCount, voteErrors.get(), seen, finalTotal, join, ackH,
                        tally, fin, allFinalMicros, List.copyOf(errors), requests);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("performer step failed: " + e, e);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** The song title asked for by the k-th request: popular songs (low numbers) far more often (a Zipf-like draw). */
    static String title(int k, int titles) {
        // Deterministic: a multiplicative hash in [0,1), squared, picks low numbers more often.
        double u = ((k * 0x9E3779B9L) & 0xFFFFFFFFL) / (double) (1L << 32);
        return "Request song " + (1 + (int) (u * u * titles));
    }

    private Requests requestPhase(Client[] clients, Channel[] listeners, Client performer) throws InterruptedException {
        int n = clients.length;
        int total = (int) Math.min(n, config.requestRate() * config.requestMillis() / 1000);
        CountDownLatch answered = new CountDownLatch(total);
        long start = System.nanoTime();
        int sent = 0;
        for (int i = 0; i < n && sent < total; i++) {
            if (stateAt.get(i) == 0) {
                continue;
            }
            int index = i;
            Client c = clients[i];
            c.requestLatch = answered;
            String title = title(sent, config.titles());
            c.requestTitle = title;
            long at = start + TimeUnit.MILLISECONDS.toNanos(sent * 1000L / config.requestRate());
            sent++;
            listeners[i].eventLoop().schedule(() -> {
                requestSent.set(index, System.nanoTime());
                c.send(JSON.createObjectNode().put("type", "request").put("v", 1).put("id", "r").put("title", title));
            }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        for (int i = sent; i < total; i++) {
            answered.countDown();
        }
        answered.await(config.requestMillis() + config.timeoutMillis(), TimeUnit.MILLISECONDS);
        // Let the last coalesced broadcasts arrive: a few ticks with nothing new.
        Thread.sleep(1500);
        int acked = 0;
        Histogram ack = histogram();
        Histogram seen = histogram();
        for (int i = 0; i < n; i++) {
            if (requestAck.get(i) != 0) {
                acked++;
            }
            record(ack, requestSent.get(i), requestAck.get(i));
            record(seen, requestSent.get(i), requestQueueSeen.get(i));
        }
        String reference = performer.lastQueue;
        int same = 0;
        int checked = 0;
        for (int i = 0; i < n; i++) {
            if (stateAt.get(i) != 0 && listeners[i] != null && listeners[i].isActive()) {
                checked++;
                if (reference != null && reference.equals(clients[i].lastQueue)) {
                    same++;
                }
            }
        }
        int shown = 0;
        int size = -1;
        int mismatched = 0;
        if (reference != null) {
            try {
                JsonNode q = JSON.readTree("{" + reference.substring(1));
                size = q.path("queueSize").asInt(q.path("queue").size());
                for (JsonNode entry : q.path("queue")) {
                    shown++;
                    if (entry.path("votes").asInt() != ackedPerTitle.getOrDefault(entry.path("title").asText(), 0)) {
                        mismatched++;
                    }
                }
            } catch (java.io.IOException e) {
                error("final queue unreadable: " + e);
            }
        }
        return new Requests(sent, acked, requestsMerged.get(), new TreeMap<>(requestRefused), ack, seen, same, checked,
                shown, size, mismatched);
    }

    private static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    }

    private static void record(Histogram h, long from, long to) {
        if (from != 0 && to != 0) {
            h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, (to - from) / 1000)));
        }
    }

    private void error(String message) {
        synchronized (errors) {
            if (errors.size() < 100) {
                errors.add(message);
            }
        }
    }

    private static void awaitOrThrow(CompletableFuture<?> f, long millis, String what) throws InterruptedException {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<Channel> connect(Bootstrap bootstrap, InetSocketAddress remote, InetSocketAddress local, Client c) {
        CompletableFuture<Channel> done = new CompletableFuture<>();
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder().webSocketUri(config.uri())
                        .handshakeTimeoutMillis(config.timeoutMillis()).maxFramePayloadLength(1 << 20).build();
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), new WebSocketClientProtocolHandler(ws), c);
            }
        });
        c.handshake = done;
        var f = local == null ? b.connect(remote) : b.connect(remote, local);
        f.addListener(r -> {
            if (!r.isSuccess()) {
                done.completeExceptionally(r.cause());
            }
        });
        return done;
    }

    /** One connection's handler; owned by its channel's event loop. */
    private final class Client extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final int index;
        final CompletableFuture<Void> joined = new CompletableFuture<>();
        volatile CompletableFuture<Channel> handshake;
        volatile CountDownLatch ackLatch;
        volatile long lastTotal = -1;
        volatile CountDownLatch requestLatch;
        volatile String requestTitle;
        /** The last queue broadcast's queue (and size), as text: compared across listeners at the end. */
        volatile String lastQueue;
        private volatile CompletableFuture<JsonNode> pending;
        private boolean welcomed;
        private Channel channel;

        Client(int index) {
            this.index = index;
        }

        void send(JsonNode message) {
            channel.writeAndFlush(new TextWebSocketFrame(message.toString()));
        }

        CompletableFuture<JsonNode> request(JsonNode message) {
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending = f;
            send(message);
            return f;
        }

        void markFinal(long total) {
            if (index >= 0 && lastTotal >= total && finalAt.get(index) == 0) {
                finalAt.compareAndSet(index, 0, lastSeenAt);
            }
        }

        private volatile long lastSeenAt;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                channel = ctx.channel();
                handshake.complete(ctx.channel());
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                handshake.completeExceptionally(new IllegalStateException("handshake timeout"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshake.completeExceptionally(new IllegalStateException("closed before handshake"));
            if (!joined.isDone()) {
                joined.completeExceptionally(new IllegalStateException("closed before state"));
                if (index >= 0) {
                    error("client " + index + " closed before state");
                }
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            error("client " + index + ": " + cause);
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            long now = System.nanoTime();
            String text = frame.text();
            if (text.startsWith(QUEUE_PREFIX)) { // the biggest broadcast: kept as text, parsed once at the end
                onQueue(text, now);
                return;
            }
            JsonNode m = JSON.readTree(text);
            switch (m.path("type").asText()) {
                case "welcome" -> welcomed = true;
                case "state" -> {
                    if (welcomed && !joined.isDone()) {
                        if (index >= 0) {
                            stateAt.set(index, now);
                        }
                        joined.complete(null);
                    }
                }
                case "poll" -> onPoll(m.path("poll"), now);
                case "ack", "error" -> onAnswer(m, now);
                default -> {
                }
            }
        }

        private void onPoll(JsonNode poll, long now) {
            if (poll.isNull() || poll.isMissingNode()) {
                return;
            }
            lastTotal = poll.path("totalVotes").asLong();
            lastSeenAt = now;
            if (index < 0) {
                return;
            }
            if (voteSent.get(index) != 0 && firstPollAfterVote.get(index) == 0) {
                firstPollAfterVote.set(index, now);
            }
            if (lastTotal >= finalTotal && finalAt.get(index) == 0) {
                finalAt.set(index, now);
            }
        }

        private void onQueue(String text, long now) {
            // Without "asOf": two clients that saw the same queue in different broadcasts still agree.
            lastQueue = text.substring(text.indexOf(",\"queue\":"));
            if (index >= 0 && requestAck.get(index) != 0 && requestQueueSeen.get(index) == 0) {
                requestQueueSeen.set(index, now);
            }
        }

        private void onAnswer(JsonNode m, long now) {
            if (index >= 0 && "r".equals(m.path("id").asText())) {
                if ("ack".equals(m.path("type").asText())) {
                    if (m.path("result").path("votes").asInt() > 1) {
                        requestsMerged.incrementAndGet();
                    }
                    ackedPerTitle.merge(requestTitle, 1, Integer::sum);
                    requestAck.set(index, now);
                } else {
                    requestRefused.merge(m.path("code").asText(), 1, Integer::sum);
                }
                CountDownLatch l = requestLatch;
                if (l != null) {
                    l.countDown();
                }
                return;
            }
            if (index < 0) {
                CompletableFuture<JsonNode> p = pending;
                if (p != null) {
                    pending = null;
                    p.complete(m);
                }
                return;
            }
            if (!"v".equals(m.path("id").asText())) {
                return;
            }
            if ("ack".equals(m.path("type").asText())) {
                ackAt.set(index, now);
            } else {
                voteErrors.incrementAndGet();
                error("vote " + index + ": " + m.path("code").asText());
            }
            CountDownLatch l = ackLatch;
            if (l != null) {
                l.countDown();
            }
        }
    }

    /**
     * {@code PollStorm URI [clients] [rampSeconds] [voteSeconds] [options] [sourceAddresses]}; the performer key comes from
     * the environment variable {@code ENCORE_PERFORMER_KEY} (so it is not in the process list).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: PollStorm ws://HOST:PORT/ws/SHOW [clients=5000] [rampSeconds=10] [voteSeconds=5] [options=3]"
                    + " [sourceAddresses=100] [requestsPerSecond=0] [requestSeconds=10] [titles=300]"
                    + "   (performer key in $ENCORE_PERFORMER_KEY)");
            System.exit(2);
        }
        String key = System.getenv("ENCORE_PERFORMER_KEY");
        if (key == null || key.isEmpty()) {
            System.err.println("ENCORE_PERFORMER_KEY is not set (expected: the show's performer key)");
            System.exit(2);
        }
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        long ramp = args.length > 2 ? Long.parseLong(args[2]) * 1000 : 10_000;
        long vote = args.length > 3 ? Long.parseLong(args[3]) * 1000 : 5_000;
        int options = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        int sources = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        int requestRate = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        long requestSeconds = args.length > 7 ? Long.parseLong(args[7]) : 10;
        int titles = args.length > 8 ? Integer.parseInt(args[8]) : 300;
        Config config = new Config(URI.create(args[0]), key, clients, ramp, vote, options, sources,
                Math.max(2, Runtime.getRuntime().availableProcessors()), 30_000, requestRate, requestSeconds * 1000, titles);
        System.out.println(config);
        new PollStorm(config).run().print(System.out);
        System.exit(0);
    }
}
