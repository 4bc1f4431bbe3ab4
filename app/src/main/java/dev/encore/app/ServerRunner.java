package dev.encore.app;

import dev.encore.protocol.JoinPathWarmUp;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.signaling.ShowChannelWarmUp;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a server for {@code demo} and {@code serve}, reports start-up errors plainly, and runs until the JVM is stopped. */
final class ServerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRunner.class);
    /** What a started server runs in memory in the background (see {@link #warmUpInBackground}). */
    static final int WARM_UP_HANDSHAKES = 1_000;
    static final int WARM_UP_JOINS = 3_000;
    static final int WARM_UP_PACKETS = 30_000;
    /** The show channel's warm-up: polls of this many votes (a request and an upvote from every tenth voter). */
    static final int WARM_UP_VOTERS = 2_000;
    static final int WARM_UP_POLLS = 5;

    private ServerRunner() {
    }

    /**
     * Starts the server, hands it to {@code afterStart} (which returns what to close before the server, or null), and blocks
     * until Ctrl-C / SIGTERM.
     *
     * @return the exit code
     */
    static int run(ServerOptions options, List<ShowConfig> shows, PrintWriter err,
            Function<EncoreServer, AutoCloseable> afterStart) {
        ServerSecret secret;
        String publicUrl;
        try {
            publicUrl = options.access.publicUrl();
            secret = options.access.secret(options.dataDir);
        } catch (IllegalArgumentException | IOException e) {
            err.println("encore: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        EncoreServer server;
        try {
            server = EncoreServer.start(options.toOptions(), shows, secret, publicUrl);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_STARTUP;
        } catch (Exception e) {
            err.println("encore: could not start the server: " + describe(e, options));
            LOG.debug("start-up failed", e);
            return Main.EXIT_STARTUP;
        }
        warmUpInBackground();
        AutoCloseable extra;
        try {
            extra = afterStart.apply(server);
        } catch (RuntimeException e) {
            err.println("encore: could not start: " + e.getMessage());
            LOG.debug("start-up failed", e);
            server.close();
            return Main.EXIT_STARTUP;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            try {
                if (extra != null) {
                    extra.close();
                }
            } catch (Exception e) {
                LOG.warn("stopping failed", e);
            } finally {
                server.close();
                stopped.countDown();
            }
        }, "encore-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Runs what each join and packet go through in memory on a low-priority thread ({@link JoinPathWarmUp}: DTLS
     * handshakes, offer/answer, ICE checks, SRTP), so that the first listeners run JIT-compiled code. The C2 compiler
     * takes a method only after thousands of calls: a freshly started server compiled its per-join code during the first
     * join storm, on the CPU that storm needed. A few seconds of CPU, once, at start.
     */
    private static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            JoinPathWarmUp.Done done = JoinPathWarmUp.run(WARM_UP_HANDSHAKES, WARM_UP_JOINS, WARM_UP_PACKETS,
                    Duration.ofSeconds(30));
            LOG.info("warm-up: {} DTLS handshakes, {} offer/answer and ICE exchanges, {} SRTP packets, in memory, in {} ms",
                    done.handshakes(), done.joins(), done.packets(), done.millis());
            try {
                ShowChannelWarmUp.Done show = ShowChannelWarmUp.run(WARM_UP_VOTERS, WARM_UP_POLLS);
                LOG.info("warm-up: {} show-channel commands ({} polls), in memory, in {} ms", show.commands(), show.polls(),
                        show.millis());
            } catch (IOException | SQLException | RuntimeException e) {
                LOG.warn("warm-up of the show channel failed (the server works; its first poll may be slower)", e);
            }
        }, "encore-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static String describe(Exception e, ServerOptions options) {
        if (e instanceof BindException) {
            return e.getMessage() + " (expected: free ports; HTTP " + options.httpPort + " and UDP " + options.mediaPort
                    + " on " + options.bind + ", change them with --http-port / --media-port)";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
