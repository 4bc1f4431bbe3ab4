package dev.encore.loadtest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.loadtest.poll.ShowChannelClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The show-channel side of a run (docs/protocol.md "The show channel"): the tool joins as the performer, and voters and
 * requesters (fractions of the listeners) join as listeners, on one small Netty group of their own (no thread per client).
 *
 * <ul>
 *   <li>Polls: the performer opens a poll (3 options) at the start of the hold and then every {@link #POLL_EVERY_NANOS}
 *       while at least 2 s are left; each voter votes once per poll at a uniformly random moment in the next 5 s (or half
 *       of what is left of the hold, if less). Measured: vote to
 *       {@code ack}, and vote to tally seen: the first tally that has the vote in it. That is the ack itself when it
 *       carries the tally (Encore's does: {@code result.tally}); else the first {@code poll} broadcast of that poll that
 *       arrives after the ack (the server answers after storing the vote, and a connection delivers in order, so any
 *       broadcast after the ack was made after the vote). A broadcast whose total merely grew (someone else's vote) does
 *       not count.</li>
 *   <li>Requests: each requester submits one request at a uniformly random moment in the first half of the hold (at most
 *       10 s in), then upvotes another listener's request 2 s after the ack. Measured: request to queue seen: the first
 *       {@code queue} broadcast, received after sending, that lists the request id the ack gave.</li>
 * </ul>
 * Listeners of a loopback target bind source addresses 127.0.0.2 .. 127.0.0.101 (as {@code PollStorm}), so the server's
 * per-address message limit (meant for real client addresses) does not throttle the test itself.
 *
 * <p>Threads: the run's thread calls the public methods; members' state is written by the group's loops (volatile fields,
 * recorders and adders are thread-safe).
 */
final class Interaction implements AutoCloseable {
    static final long POLL_EVERY_NANOS = TimeUnit.SECONDS.toNanos(20);
    static final long VOTE_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A poll round needs this much of the hold left: votes are spread over at most half of what is left. */
    static final long MIN_ROUND_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int SOURCE_ADDRESSES = 100;

    private final URI uri;
    private final String performerKey;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final boolean loopback;
    final Recorder tally = new Recorder(3);
    final Recorder voteAck = new Recorder(3);
    final Recorder requestSeen = new Recorder(3);
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder joined = new LongAdder();
    final LongAdder votesSent = new LongAdder();
    final LongAdder votesAcked = new LongAdder();
    final LongAdder requestsSent = new LongAdder();
    final LongAdder requestsAcked = new LongAdder();
    final LongAdder upvotesAcked = new LongAdder();
    final AtomicLong polls = new AtomicLong();
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private volatile ShowChannelClient performer;
    /** The latest round's poll and the end of its voting window (nanoTime); written on the performer's loop. */
    private volatile long openPollId = -1;
    private volatile long voteWindowEnd;
    private volatile long holdStart;
    private volatile long requestSpread = 1;

    Interaction(URI uri, String performerKey) {
        this(uri, performerKey, false);
    }

    /** @param ioUring io_uring for the members' sockets (the run's {@code --io-uring}); it must be available */
    Interaction(URI uri, String performerKey, boolean ioUring) {
        this.uri = requireNonNull(uri, "uri");
        this.performerKey = requireNonNull(performerKey, "performerKey");
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = ioUring ? IoUringIoHandler.newFactory()
                : epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // One loop per core: thousands of members each parse every broadcast (one loop was the bottleneck at 5,000).
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("encore-loadtest-ws", true), factory);
        this.channelClass = ioUring ? IoUringSocketChannel.class : epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        boolean lo;
        try {
            lo = InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (java.io.IOException e) {
            lo = false;
        }
        this.loopback = lo;
    }

    /** The members' event loops (for the tool's loop-lag probe). */
    Iterable<EventExecutor> eventLoops() {
        return group;
    }

    /** Joins as the performer; throws when the channel is unreachable or the key is refused. */
    void startPerformer() throws LoadRun.CouldNotRun, InterruptedException {
        try {
            performer = ShowChannelClient.join(group, channelClass, uri, null, performerKey, null).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new LoadRun.CouldNotRun("the show channel " + uri + " refused the performer: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new LoadRun.CouldNotRun("the show channel " + uri + " did not welcome the performer within 15 s");
        }
    }

    /**
     * Joins listener {@code slot} to the channel (asynchronously). A voter that joins while a round's votes are still
     * coming in votes in it at a random moment of what is left of the window.
     */
    void join(int slot, boolean voter, boolean requester) {
        Member m = new Member(slot, voter, requester);
        InetSocketAddress local = loopback ? new InetSocketAddress("127.0.0." + (2 + slot % SOURCE_ADDRESSES), 0) : null;
        ShowChannelClient.join(group, channelClass, uri, local, null, m::onMessage).whenComplete((c, error) -> {
            if (error != null) {
                error("join_failed");
            } else {
                m.client = c;
                members.add(m);
                joined.increment();
                long left = voteWindowEnd - System.nanoTime();
                if (voter && openPollId >= 0 && left > 0) {
                    // Joined while a round's votes are still coming in: a real listener would vote in it too.
                    long pollId = openPollId;
                    c.eventLoop().schedule(() -> m.vote(pollId), ThreadLocalRandom.current().nextLong(left), TimeUnit.NANOSECONDS);
                }
                if (requester) {
                    scheduleRequest(m);
                }
            }
        });
    }

    /**
     * Schedules the poll rounds and the requests of the hold phase [{@code holdStart}, {@code end}) (nanoTime); call before
     * listeners join.
     */
    void scheduleHold(long holdStart, long end) {
        for (long at = holdStart; end - at >= MIN_ROUND_NANOS; at += POLL_EVERY_NANOS) {
            long spread = Math.min(VOTE_SPREAD_NANOS, (end - at) / 2);
            group.schedule(() -> pollRound(spread), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        this.holdStart = holdStart;
        this.requestSpread = Math.min(TimeUnit.SECONDS.toNanos(10), Math.max(1, (end - holdStart) / 2));
    }

    /** A requester's request: at a random moment of the first half of the hold, or soon when it joined later than that. */
    private void scheduleRequest(Member m) {
        long at = holdStart + ThreadLocalRandom.current().nextLong(requestSpread);
        m.client.eventLoop().schedule(m::sendRequest, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void pollRound(long spread) {
        ShowChannelClient p = performer;
        if (p == null) {
            return;
        }
        // A poll left open (an earlier round or run) would refuse poll.open: close it first (an error here is fine).
        p.request(p.command("poll.close")).thenCompose(closed -> {
            ObjectNode open = p.command("poll.open").put("question", "Load test poll " + (polls.get() + 1));
            open.putArray("options").add("One").add("Two").add("Three");
            return p.request(open);
        }).whenComplete((ack, error) -> {
            if (error != null || !"ack".equals(ack.path("type").asText())) {
                error(error != null ? "poll_open_failed" : ack.path("code").asText("poll_open_failed"));
                return;
            }
            long pollId = ack.path("result").path("pollId").asLong();
            polls.incrementAndGet();
            openPollId = pollId;
            voteWindowEnd = System.nanoTime() + Math.max(1, spread);
            for (Member m : members) {
                if (m.voter) {
                    long delay = ThreadLocalRandom.current().nextLong(Math.max(1, spread));
                    m.client.eventLoop().schedule(() -> m.vote(pollId), delay, TimeUnit.NANOSECONDS);
                }
            }
        });
    }

    private void error(String code) {
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** Closes every connection and the group. */
    @Override
    public void close() {
        for (Member m : members) {
            ShowChannelClient c = m.client;
            if (c != null) {
                c.close();
            }
        }
        ShowChannelClient p = performer;
        if (p != null) {
            p.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One listener on the channel. Fields written on its connection's loop only (its tasks are scheduled there). */
    private final class Member {
        final int slot;
        final boolean voter;
        final boolean requester;
        volatile ShowChannelClient client;
        private long votePollId = -1;
        private long voteSent;
        private boolean voteAcked;
        private boolean tallySeen = true;
        private long requestSent;
        private long requestId = -1;
        private boolean queueSeen;
        private long[] lastQueue = new long[0];
        private long lastQueueAt;

        Member(int slot, boolean voter, boolean requester) {
            this.slot = slot;
            this.voter = voter;
            this.requester = requester;
        }

        void vote(long pollId) {
            ShowChannelClient c = client;
            if (c == null || !c.isOpen()) {
                return;
            }
            long sent = System.nanoTime();
            votePollId = pollId;
            voteSent = sent;
            voteAcked = false;
            tallySeen = false;
            votesSent.increment();
            c.request(c.command("vote").put("pollId", pollId).put("option", slot % 3)).whenComplete((ack, error) -> {
                if (error == null && "ack".equals(ack.path("type").asText())) {
                    long at = System.nanoTime();
                    votesAcked.increment();
                    voteAck.recordValue((at - sent) / 1000);
                    // Runs on this member's loop (the ack was read there), as onMessage does.
                    if (sent == voteSent) {
                        voteAcked = true;
                        if (ack.path("result").has("totalVotes")) {
                            tallySeen(at); // the ack carries the tally with this vote in it
                        }
                    }
                } else {
                    error(error != null ? "vote_failed" : ack.path("code").asText("vote_failed"));
                }
            });
        }

        void sendRequest() {
            ShowChannelClient c = client;
            if (c == null || !c.isOpen()) {
                return;
            }
            long sent = System.nanoTime();
            requestSent = sent;
            requestsSent.increment();
            c.request(c.command("request").put("title", "Load test song " + slot)).whenComplete((ack, error) -> {
                if (error != null || !"ack".equals(ack.path("type").asText())) {
                    error(error != null ? "request_failed" : ack.path("code").asText("request_failed"));
                    return;
                }
                requestsAcked.increment();
                long id = ack.path("result").path("requestId").asLong();
                c.eventLoop().execute(() -> {
                    requestId = id;
                    if (lastQueueAt - requestSent > 0 && contains(lastQueue, id)) {
                        seen(lastQueueAt);
                    }
                });
                c.eventLoop().schedule(this::upvote, 2, TimeUnit.SECONDS);
            });
        }

        private void upvote() {
            ShowChannelClient c = client;
            long[] queue = lastQueue;
            long other = -1;
            for (long id : queue) {
                if (id != requestId) {
                    other = id;
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        break;
                    }
                }
            }
            if (c == null || other < 0) {
                return;
            }
            c.request(c.command("upvote").put("requestId", other)).whenComplete((ack, error) -> {
                if (error == null && "ack".equals(ack.path("type").asText())) {
                    upvotesAcked.increment();
                } else {
                    error(error != null ? "upvote_failed" : ack.path("code").asText("upvote_failed"));
                }
            });
        }

        private void tallySeen(long at) {
            if (!tallySeen) {
                tallySeen = true;
                tally.recordValue(Math.max(0, (at - voteSent) / 1000));
            }
        }

        private void seen(long at) {
            if (!queueSeen) {
                queueSeen = true;
                requestSeen.recordValue(Math.max(0, (at - requestSent) / 1000));
            }
        }

        void onMessage(ShowChannelClient c, String type, JsonNode m, long now) {
            if (type.equals("poll") || type.equals("state")) {
                JsonNode poll = m.path("poll");
                if (poll.isObject()) {
                    // A broadcast that arrives after the vote's ack was made after the vote was stored: its tally has it.
                    if (voteAcked && poll.path("pollId").asLong() == votePollId) {
                        tallySeen(now);
                    }
                }
            }
            if (type.equals("queue") || type.equals("state")) {
                JsonNode queue = m.path("queue");
                long[] ids = new long[queue.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = queue.get(i).path("requestId").asLong();
                }
                lastQueue = ids;
                lastQueueAt = now;
                if (requestId >= 0 && now - requestSent >= 0 && contains(ids, requestId)) {
                    seen(now);
                }
            }
        }
    }

    private static boolean contains(long[] ids, long id) {
        for (long x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
