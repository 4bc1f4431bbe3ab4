package dev.encore.app;

import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a server for {@code demo} and {@code serve}, reports start-up errors plainly, and runs until the JVM is stopped. */
final class ServerRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRunner.class);

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

    private static String describe(Exception e, ServerOptions options) {
        if (e instanceof BindException) {
            return e.getMessage() + " (expected: free ports; HTTP " + options.httpPort + " and UDP " + options.mediaPort
                    + " on " + options.bind + ", change them with --http-port / --media-port)";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
