package dev.encore.show.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSecretTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-06-01T20:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void createsTheSecretFileOnceWithOwnerOnlyPermissions() throws Exception {
        Path dataDir = dir.resolve("data/nested");

        ServerSecret first = ServerSecret.load(null, dataDir);

        Path file = dataDir.resolve("secret.key");
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(32).isNotEqualTo(new byte[32]);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.origin()).isEqualTo(file.toAbsolutePath().toString());
        try (var listing = Files.list(dataDir)) {
            assertThat(listing).as("no temporary file left behind").containsExactly(file);
        }

        ServerSecret second = ServerSecret.load(null, dataDir);

        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(second.derive("x")).isEqualTo(first.derive("x"));
        String token = new TokenAuthority(first).mint("rooftop", Tier.VIP, Duration.ofHours(1), null, NOW).encoded();
        assertThat(new TokenAuthority(second).verify(token, "rooftop", NOW).tier()).isEqualTo(Tier.VIP);
    }

    @Test
    void twoDataDirectoriesHaveDifferentSecrets() throws IOException {
        ServerSecret a = ServerSecret.load(null, dir.resolve("a"));
        ServerSecret b = ServerSecret.load("  ", dir.resolve("b"));

        assertThat(a.derive("x")).isNotEqualTo(b.derive("x"));
    }

    @Test
    void anExplicitValueWinsAndWritesNoFile() throws IOException {
        ServerSecret explicit = ServerSecret.load("0123456789abcdef0123456789abcdef", dir);

        assertThat(explicit.origin()).isEqualTo("explicit value");
        assertThat(dir.resolve("secret.key")).doesNotExist();
        assertThat(explicit.derive("x")).isEqualTo(ServerSecret.ofValue("0123456789abcdef0123456789abcdef").derive("x"));
        assertThat(explicit.derive("x")).isNotEqualTo(explicit.derive("y"));
    }

    @Test
    void aShortExplicitValueIsRefusedWithoutShowingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> ServerSecret.ofValue("hunter2-hunter2"))
                .withMessage("server secret: 15 characters (expected: at least 32, e.g. from `openssl rand -hex 32`)");
    }

    @Test
    void wrongSizedFilesAreRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("secret.key");
        for (int size : new int[] {0, 1, 31, 33, 4096}) {
            byte[] content = new byte[size];
            new SecureRandom().nextBytes(content);
            Files.write(file, content);

            assertThatThrownBy(() -> ServerSecret.load(null, dir)).as("%d bytes", size).isInstanceOf(IOException.class)
                    .hasMessage("server secret file " + file.toAbsolutePath() + ": " + size + " bytes (expected: exactly 32;"
                            + " if it is damaged, delete it and a new secret is made, which invalidates every token minted before)");
            assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(content);
        }
    }

    @Test
    void anUnreadableSecretFileIsRefusedNamingTheFile() throws IOException {
        // Tests run as root here, which reads any mode: a directory in the file's place is unreadable as a file for everyone.
        Path file = dir.resolve("secret.key");
        Files.createDirectory(file);

        assertThatThrownBy(() -> ServerSecret.load(null, dir)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("server secret file " + file.toAbsolutePath() + ": ")
                .hasMessageContaining("(expected: ");
    }

    @Test
    void anUncreatableDataDirectoryIsAnIOException() throws IOException {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "a file");

        assertThatThrownBy(() -> ServerSecret.load(null, blocker.resolve("data"))).isInstanceOf(IOException.class);
    }

    @Test
    void concurrentFirstStartsAgreeOnOneSecret() throws Exception {
        Path file = dir.resolve("secret.key");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ServerSecret>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return ServerSecret.loadOrCreate(file, new SecureRandom());
                }));
            }
            start.countDown();
            List<ServerSecret> secrets = new ArrayList<>();
            for (Future<ServerSecret> result : results) {
                secrets.add(result.get(10, TimeUnit.SECONDS));
            }
            ServerSecret onDisk = ServerSecret.loadOrCreate(file, new SecureRandom());
            for (ServerSecret secret : secrets) {
                assertThat(secret.derive("x")).isEqualTo(onDisk.derive("x"));
            }
        } finally {
            pool.shutdownNow();
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void neverShowsTheSecret() throws IOException {
        ServerSecret fromFile = ServerSecret.load(null, dir);
        byte[] bytes = Files.readAllBytes(dir.resolve("secret.key"));
        ServerSecret explicit = ServerSecret.ofValue("correct-horse-battery-staple-0123456789");

        for (ServerSecret secret : List.of(fromFile, explicit)) {
            assertThat(secret.toString()).startsWith("ServerSecret[****, from ")
                    .doesNotContain(HexFormat.of().formatHex(bytes))
                    .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(bytes))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
                    .doesNotContain("horse");
        }
        assertThat(fromFile).hasToString("ServerSecret[****, from " + dir.resolve("secret.key").toAbsolutePath() + "]");
    }
}
