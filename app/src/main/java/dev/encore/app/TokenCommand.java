package dev.encore.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.encore.show.access.JoinToken;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code encore token --show ID}: mints a listener join token with the server secret of a data directory and prints it on
 * one line (or, with {@code --link}, the listener link that carries it). Needs no running server: the same data directory
 * (or {@code ENCORE_SECRET}) gives the same secret.
 */
@Command(name = "token", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Main.Version.class,
        description = "Print a join token for a show (access.mode: token), or with --link the listener link that carries it.")
final class TokenCommand implements Callable<Integer> {
    /** The start of a link without {@code --public-url}: a server on this machine with the default HTTP port. */
    static final String DEFAULT_BASE_URL = "http://localhost:8080";

    @Option(names = "--show", paramLabel = "ID", required = true, description = "the show's id, as in its show file")
    String show;

    @Option(names = "--tier", paramLabel = "TIER", defaultValue = "general",
            description = "general or vip (VIPs may use the seats kept for them) (default: ${DEFAULT-VALUE})")
    String tier;

    @Option(names = "--ttl", paramLabel = "TTL", defaultValue = "4h",
            description = "how long the token is valid: a number and s, m, h or d, e.g. 90m, 4h, 7d (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--subject", paramLabel = "S", description = "who the token is for, e.g. tg:123456789 (optional)")
    String subject;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "encore-data",
            description = "the server's data directory, which holds its secret (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--link", description = "print the listener link with the token instead of the bare token")
    boolean link;

    @Mixin
    AccessOptions access = new AccessOptions();

    @Spec
    CommandSpec spec;

    /** Where the token's validity starts; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        logToStderr();
        try {
            Tier parsedTier = Tier.parse(tier);
            Duration parsedTtl = TokenAuthority.parseTtl(ttl);
            String publicUrl = access.publicUrl();
            ServerSecret secret = access.secret(dataDir);
            JoinToken token = new TokenAuthority(secret).mint(show, parsedTier, parsedTtl, subject, clock);
            String base = publicUrl != null ? publicUrl : DEFAULT_BASE_URL;
            out.println(link ? AccessOptions.listenerLink(base, show, token.encoded()) : token.encoded());
            out.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("encore token: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
    }

    /**
     * Scripts capture this command's standard output, so log lines (such as "created a new server secret") go to standard
     * error instead: every console appender writing to {@code System.out} is switched to {@code System.err}.
     */
    static void logToStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof ConsoleAppender<ILoggingEvent> console && "System.out".equals(console.getTarget())) {
                    console.stop();
                    console.setTarget("System.err");
                    console.start();
                }
            }
        }
    }
}
