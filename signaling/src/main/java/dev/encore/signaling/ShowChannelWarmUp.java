package dev.encore.signaling;

import dev.encore.show.live.DropPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs the show channel's command path in memory before the first show needs it, so the JIT has compiled it: a throwaway
 * show ({@link ShowLoop} on its own thread, its events in a temporary SQLite file that is deleted afterwards) in which the
 * performer opens polls, listeners vote, request songs and upvote them, and each poll's tally is serialized. Every command
 * is parsed from JSON text and every answer written as JSON text ({@link Wire}), as a member's would be. Nothing reaches a
 * socket or a real show's store.
 *
 * <p>Why: the JIT compiled about 1,300 methods of a freshly started server during its first 5,000-member poll (Jackson,
 * the show logic, SQLite's JDBC path). Vote to tally-seen p99 on fresh servers went from 252–589 ms (median 461, 4 runs)
 * to 220–395 ms (median 300, 5 runs) with this warm-up; a server that had already run a poll: 171–278 ms.
 * docs/benchmarks.md, "Fifth pass: the poll benchmark".
 *
 * <p>Thread: {@link #run} blocks the calling thread (meant for a low-priority background thread).
 */
public final class ShowChannelWarmUp {
    private static final String SHOW = "warm-up";
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * What a warm-up did: commands applied (each parsed and answered), how many of them were acknowledged (the rest were
     * refused by the show's rules, as some upvotes are), polls tallied, and its wall time.
     */
    public record Done(int commands, int acked, int polls, long millis) {
    }

    private ShowChannelWarmUp() {
    }

    /**
     * Runs {@code rounds} polls of {@code listeners} votes each (new listeners each round), with a request from every tenth
     * listener and, from each of those but the first, an upvote of the previous one's request.
     *
     * @throws IOException when the temporary store cannot be made
     * @throws SQLException when it cannot be written
     */
    public static Done run(int listeners, int rounds) throws IOException, SQLException {
        if (listeners < 1 || rounds < 1) {
            throw new IllegalArgumentException("listeners: " + listeners + ", rounds: " + rounds + " (expected: >= 1 each)");
        }
        long start = System.nanoTime();
        Path dir = Files.createTempDirectory("encore-warm-up");
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger acked = new AtomicInteger();
        int commands = 0;
        try (EventStore store = EventStore.open(dir.resolve("warm-up.db"))) {
            ShowLoop.Settings settings = new ShowLoop.Settings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(20),
                    Duration.ofSeconds(60), RateLimits.defaults());
            ShowLoop loop = ShowLoop.start(SHOW, List.of("Opening song", "Closing song"), DropPlan.NONE, Clock.systemUTC(),
                    store, settings);
            try {
                Role performer = Role.ofPerformer();
                int requestsPerRound = (listeners + 9) / 10;
                await(command(loop, performer, "{\"type\":\"set.start\",\"v\":1,\"id\":\"s\"}", answered, acked));
                commands++;
                for (int round = 0; round < rounds; round++) {
                    ServerMessage opened = await(command(loop, performer, "{\"type\":\"poll.open\",\"v\":1,\"id\":\"p" + round
                            + "\",\"question\":\"Encore?\",\"options\":[\"Yes\",\"Louder\",\"One more\"]}", answered, acked));
                    int pollId = pollId(opened);
                    commands++;
                    List<CompletableFuture<ServerMessage>> pending = new ArrayList<>();
                    int firstRequest = round * requestsPerRound + 1;
                    for (int i = 0; i < listeners; i++) {
                        // New listeners each round: a listener's request stays open, and one may have one at a time.
                        Role listener = Role.ofListener("w" + round + "-" + i);
                        pending.add(command(loop, listener, "{\"type\":\"vote\",\"v\":1,\"id\":\"v" + i + "\",\"pollId\":" + pollId
                                + ",\"option\":" + (i + round) % 3 + "}", answered, acked));
                        if (i % 10 == 0) {
                            int k = i / 10;
                            pending.add(command(loop, listener, "{\"type\":\"request\",\"v\":1,\"id\":\"r" + i
                                    + "\",\"title\":\"Song " + round + "-" + k + "\"}", answered, acked));
                            if (k > 0) { // the previous requester's song: submitted, and not one's own
                                pending.add(command(loop, listener, "{\"type\":\"upvote\",\"v\":1,\"id\":\"u" + i
                                        + "\",\"requestId\":" + (firstRequest + k - 1) + "}", answered, acked));
                            }
                        }
                        if (i % 500 == 499) {
                            loop.tickNow();
                            loop.query(live -> Wire.write(ServerMessage.PollUpdate.of(live.publicSnapshot())));
                        }
                    }
                    for (CompletableFuture<ServerMessage> p : pending) {
                        await(p);
                    }
                    commands += pending.size();
                    await(command(loop, performer, "{\"type\":\"poll.close\",\"v\":1,\"id\":\"c" + round + "\"}", answered, acked));
                    commands++;
                    await(loop.query(live -> Wire.write(ServerMessage.Queue.of(live.publicSnapshot()))));
                }
            } finally {
                loop.shutdown();
            }
        } finally {
            delete(dir);
        }
        if (answered.get() != commands) {
            throw new IllegalStateException("warm-up: " + answered.get() + " of " + commands + " commands answered");
        }
        return new Done(commands, acked.get(), rounds, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Parses {@code json} as a member's message would be, applies it on the loop, and completes with the answer. */
    private static CompletableFuture<ServerMessage> command(ShowLoop loop, Role role, String json, AtomicInteger answered,
            AtomicInteger acked) {
        CompletableFuture<ServerMessage> answer = new CompletableFuture<>();
        Wire.Parsed parsed;
        try {
            parsed = Wire.parse(json);
        } catch (ProtocolException e) {
            throw new IllegalStateException("warm-up message refused: " + e.getMessage(), e);
        }
        boolean queued = loop.execute(() -> loop.command(role, parsed.message(), parsed.id(), m -> {
            Wire.write(m);
            answered.incrementAndGet();
            if (m instanceof ServerMessage.Ack) {
                acked.incrementAndGet();
            }
            answer.complete(m);
        }));
        if (!queued) {
            answer.completeExceptionally(new IllegalStateException("the warm-up show loop stopped"));
        }
        return answer;
    }

    private static int pollId(ServerMessage opened) {
        if (opened instanceof ServerMessage.Ack ack && ack.result().get("pollId") instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalStateException("warm-up poll.open answered " + opened + " (expected: an ack with a pollId)");
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("warm-up interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("warm-up: " + e, e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
