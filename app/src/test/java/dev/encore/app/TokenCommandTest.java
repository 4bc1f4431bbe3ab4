package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.encore.show.AccessMode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import dev.encore.show.access.TokenException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code encore token}: one line out, the data directory's secret, exit 2 with a reason for bad input. */
class TokenCommandTest {
    private static final String ENV_SECRET = "an-explicit-secret-from-the-environment-0123456789";
    private static final Instant NOW = Instant.parse("2025-06-01T18:00:00Z");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs through Main, as a user would. */
    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** Runs the command with a chosen environment and clock. */
    private int runWith(Map<String, String> env, String... args) {
        TokenCommand command = new TokenCommand();
        command.access.env = env;
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String dataDir() {
        return dir.resolve("data").toString();
    }

    @Test
    void printsOnlyTheTokenOnOneLineAndItVerifiesWithTheDataDirectorysSecret() throws Exception {
        assertThat(run("token", "--show", "rooftop", "--data-dir", dataDir())).isZero();

        String printed = out.toString();
        assertThat(printed).matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\R");
        assertThat(err.toString()).isEmpty();
        String token = printed.strip();
        TokenAuthority.Verified verified = new TokenAuthority(ServerSecret.load(null, dir.resolve("data")))
                .verify(token, "rooftop", Clock.systemUTC());
        assertThat(verified.tier()).isEqualTo(Tier.GENERAL);
        assertThat(verified.subject()).isNull();
        // the default ttl is 4h
        assertThat(Duration.between(Instant.now(), verified.expiresAt())).isBetween(Duration.ofMinutes(239), Duration.ofHours(4));
        assertThat(Files.exists(dir.resolve("data").resolve(ServerSecret.FILE_NAME))).isTrue();
    }

    @Test
    void logLinesNeverReachStandardOutput() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // a fresh data directory: ServerSecret logs that it created the secret
            assertThat(run("token", "--show", "rooftop", "--data-dir", dir.resolve("fresh").toString())).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(Files.exists(dir.resolve("fresh").resolve(ServerSecret.FILE_NAME))).isTrue();
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString()).matches("v1\\.\\S+\\R");
    }

    @Test
    void vipTierTtlAndSubject() throws Exception {
        assertThat(runWith(Map.of(), "--show", "rooftop", "--tier", "VIP", "--ttl", "90m", "--subject", "tg:123456789",
                "--data-dir", dataDir())).isZero();

        TokenAuthority.Verified verified = new TokenAuthority(ServerSecret.load(null, dir.resolve("data")))
                .verify(out.toString().strip(), "rooftop", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(verified.tier()).isEqualTo(Tier.VIP);
        assertThat(verified.subject()).isEqualTo("tg:123456789");
        assertThat(verified.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(90)));
    }

    @Test
    void sameDataDirectoryGivesTheSameSecretAcrossRuns() throws Exception {
        assertThat(run("token", "--show", "rooftop", "--data-dir", dataDir())).isZero();
        assertThat(run("token", "--show", "rooftop", "--data-dir", dataDir(), "--tier", "vip")).isZero();
        String[] tokens = out.toString().split("\\R");
        assertThat(tokens).hasSize(2);

        TokenAuthority authority = new TokenAuthority(ServerSecret.load(null, dir.resolve("data")));
        assertThat(authority.verify(tokens[0], "rooftop", Clock.systemUTC()).tier()).isEqualTo(Tier.GENERAL);
        assertThat(authority.verify(tokens[1], "rooftop", Clock.systemUTC()).tier()).isEqualTo(Tier.VIP);
        // another data directory is another secret
        TokenAuthority other = new TokenAuthority(ServerSecret.load(null, dir.resolve("other")));
        assertThat(catchThrowableOfType(TokenException.class, () -> other.verify(tokens[0], "rooftop", Clock.systemUTC()))
                .reason()).isEqualTo(TokenException.Reason.FORGED);
    }

    @Test
    void linkUsesLocalhostOrThePublicUrl() {
        assertThat(runWith(Map.of(), "--show", "rooftop", "--data-dir", dataDir(), "--link")).isZero();
        assertThat(runWith(Map.of(), "--show", "rooftop", "--data-dir", dataDir(), "--link",
                "--public-url", "https://live.example.org/")).isZero();

        String[] lines = out.toString().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("http://localhost:8080/l/rooftop\\?t=v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(lines[1]).matches("https://live.example.org/l/rooftop\\?t=v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void explicitSecretFromTheEnvironmentOrASecretFile() throws Exception {
        assertThat(runWith(Map.of(AccessOptions.SECRET_ENV, ENV_SECRET), "--show", "rooftop", "--data-dir", dataDir())).isZero();
        String fromEnv = out.toString().strip();
        assertThat(new TokenAuthority(ServerSecret.ofValue(ENV_SECRET)).verify(fromEnv, "rooftop", Clock.fixed(NOW,
                ZoneOffset.UTC)).show()).isEqualTo("rooftop");
        assertThat(Files.exists(dir.resolve("data"))).as("no secret file made for an explicit secret").isFalse();

        Path file = dir.resolve("secret.txt");
        Files.writeString(file, "  " + ENV_SECRET + "-from-a-file\n");
        out.getBuffer().setLength(0);
        assertThat(runWith(Map.of(AccessOptions.SECRET_ENV, ENV_SECRET), "--show", "rooftop", "--secret-file", file.toString()))
                .isZero();
        String fromFile = out.toString().strip();
        assertThat(new TokenAuthority(ServerSecret.ofValue(ENV_SECRET + "-from-a-file")).verify(fromFile, "rooftop",
                Clock.fixed(NOW, ZoneOffset.UTC)).show()).isEqualTo("rooftop");
    }

    @Test
    void badTtlTierShowSubjectAndUrlExit2WithAReason() {
        assertRefused("a reason for --ttl", "ttl: 'forever'", "--show", "rooftop", "--ttl", "forever");
        assertRefused("ttl out of range", "ttl: 0s", "--show", "rooftop", "--ttl", "0s");
        assertRefused("ttl too long", "ttl: 401d", "--show", "rooftop", "--ttl", "401d");
        assertRefused("tier", "tier: 'gold' (expected: general or vip)", "--show", "rooftop", "--tier", "gold");
        assertRefused("show", "show: 'Rooftop!'", "--show", "Rooftop!");
        assertRefused("subject", "subject: 'tg 123'", "--show", "rooftop", "--subject", "tg 123");
        assertRefused("public url", "--public-url: 'ftp://x'", "--show", "rooftop", "--link", "--public-url", "ftp://x");
    }

    @Test
    void missingShowIsAUsageError() {
        assertThat(run("token", "--data-dir", dataDir())).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--show");
    }

    @Test
    void secretProblemsNameTheSourceNeverTheSecret() throws Exception {
        String shortSecret = "too-short-but-secret";
        assertThat(runWith(Map.of(AccessOptions.SECRET_ENV, shortSecret), "--show", "rooftop")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("ENCORE_SECRET: server secret: 20 characters (expected: at least 32")
                .doesNotContain(shortSecret);

        err.getBuffer().setLength(0);
        Path file = dir.resolve("short.txt");
        Files.writeString(file, shortSecret);
        assertThat(runWith(Map.of(), "--show", "rooftop", "--secret-file", file.toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--secret-file " + file + ": server secret: 20 characters").doesNotContain(shortSecret);

        err.getBuffer().setLength(0);
        assertThat(runWith(Map.of(), "--show", "rooftop", "--secret-file", dir.resolve("nope").toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("no such file");

        err.getBuffer().setLength(0);
        Path damaged = dir.resolve("damaged");
        Files.createDirectories(damaged);
        Files.write(damaged.resolve(ServerSecret.FILE_NAME), new byte[] {1, 2, 3});
        assertThat(runWith(Map.of(), "--show", "rooftop", "--data-dir", damaged.toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("secret.key: 3 bytes (expected: exactly 32");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void demoAndServeStopAtABadSecretSourceOrPublicUrl() {
        assertThat(run("demo", "--http-port", "0", "--media-port", "0", "--bind", "127.0.0.1", "--secret-file",
                dir.resolve("missing.txt").toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("encore: --secret-file " + dir.resolve("missing.txt")
                + ": no such file (expected: a file holding the secret)\n");
        err.getBuffer().setLength(0);
        assertThat(run("demo", "--http-port", "0", "--media-port", "0", "--bind", "127.0.0.1", "--data-dir", dataDir(),
                "--public-url", "live.example.org")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).startsWith("encore: --public-url: 'live.example.org' is not usable (expected: an http");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing started, nothing written").isFalse();
    }

    @Test
    void tokenShowsGetAHintWhereTheirLinksComeFrom() {
        ShowConfig open = DemoShow.config();
        assertThat(AccessOptions.tokenHint(open)).isEmpty();
        ShowConfig token = new ShowConfig(null, "rooftop", "R", null,
                AccessMode.TOKEN, open.audio(), null);
        assertThat(AccessOptions.tokenHint(token)).isEqualTo("  (token show: personal links from ./encore token --show rooftop --link)");
    }

    private void assertRefused(String what, String message, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        String[] withDir = Arrays.copyOf(args, args.length + 2);
        withDir[args.length] = "--data-dir";
        withDir[args.length + 1] = dataDir();
        assertThat(runWith(Map.of(), withDir)).as(what).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).as(what).isEmpty();
        assertThat(err.toString()).as(what).startsWith("encore token: ").contains(message).contains("expected");
    }
}
