package dev.encore.show.access;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HMAC secret, from which the join-token key (and any later per-purpose key) is derived.
 *
 * <p>Where it comes from ({@link #load}): an explicit value (an environment variable or a command-line option: at least
 * {@value #MIN_VALUE_CHARS} characters, used as its UTF-8 bytes), else the file {@code <data-dir>/secret.key}: exactly
 * {@value #FILE_BYTES} raw bytes, created on first start from {@link SecureRandom} with mode {@code 0600} (where the file
 * system is POSIX) and written atomically (a temporary file in the same directory, then linked or moved into place), so a
 * crash never leaves a half-written secret. Several servers that must accept each other's tokens share one file (copy it)
 * or one explicit value. Replacing the secret invalidates every token minted with the old one ({@code FORGED}).
 *
 * <p>{@link #toString} never reveals the secret, nor do the messages of the exceptions thrown here (they name the file).
 * Immutable; safe to share between threads.
 */
public final class ServerSecret {
    /** File name of the secret inside the data directory. */
    public static final String FILE_NAME = "secret.key";
    /** Size of a generated secret, and of the secret file, in bytes. */
    public static final int FILE_BYTES = 32;
    /** Shortest explicit value accepted, in characters. */
    public static final int MIN_VALUE_CHARS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(ServerSecret.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;
    private final String origin;

    private ServerSecret(byte[] key, String origin) {
        this.key = key;
        this.origin = origin;
    }

    /**
     * An explicit secret (from an environment variable or an option).
     *
     * @param value at least {@value #MIN_VALUE_CHARS} characters, e.g. from {@code openssl rand -hex 32}
     * @throws IllegalArgumentException when shorter (the message gives the length, never the value)
     */
    public static ServerSecret ofValue(String value) {
        requireNonNull(value, "value");
        if (value.length() < MIN_VALUE_CHARS) {
            throw new IllegalArgumentException("server secret: " + value.length() + " characters (expected: at least " + MIN_VALUE_CHARS
                    + ", e.g. from `openssl rand -hex 32`)");
        }
        return new ServerSecret(value.getBytes(StandardCharsets.UTF_8), "explicit value");
    }

    /**
     * The explicit value when there is one (not null and not blank), else the secret file of the data directory.
     *
     * @param explicitValue the value of the option or environment variable, or null
     * @param dataDir the server's data directory, created when missing
     * @throws IOException when the secret file can't be read or created, or is not {@value #FILE_BYTES} bytes long;
     *     the message names the file
     */
    public static ServerSecret load(String explicitValue, Path dataDir) throws IOException {
        if (explicitValue != null && !explicitValue.isBlank()) {
            return ofValue(explicitValue);
        }
        requireNonNull(dataDir, "dataDir");
        return loadOrCreate(dataDir.resolve(FILE_NAME), new SecureRandom());
    }

    /**
     * Reads the secret file, or creates it with fresh random bytes when there is none.
     *
     * @throws IOException when the file can't be read or created, or is not {@value #FILE_BYTES} bytes long; the message
     *     names the file
     */
    public static ServerSecret loadOrCreate(Path file, SecureRandom random) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(random, "random");
        Path absolute = file.toAbsolutePath();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            try {
                create(absolute, random);
                LOG.info("created a new server secret in {}", absolute);
            } catch (FileAlreadyExistsException raced) {
                LOG.debug("another process created {} first; using its secret", absolute);
            }
        }
        return read(absolute);
    }

    private static ServerSecret read(Path file) throws IOException {
        byte[] bytes = new byte[FILE_BYTES];
        long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            size = channel.size();
            if (size == FILE_BYTES) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                int read = 0;
                while (buffer.hasRemaining() && read >= 0) {
                    read = channel.read(buffer);
                }
                size = buffer.position();
            }
        } catch (IOException e) {
            throw new IOException("server secret file " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + "; expected: a regular file readable by this user, mode 0600)", e);
        }
        if (size != FILE_BYTES) {
            throw new IOException("server secret file " + file + ": " + size + " bytes (expected: exactly " + FILE_BYTES
                    + "; if it is damaged, delete it and a new secret is made, which invalidates every token minted before)");
        }
        warnIfOthersMayRead(file);
        return new ServerSecret(bytes, file.toString());
    }

    private static void warnIfOthersMayRead(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                LOG.warn("server secret file {} has mode {} (expected: rw-------); fix with: chmod 600 {}", file,
                        PosixFilePermissions.toString(permissions), file);
            }
        } catch (IOException e) {
            LOG.debug("cannot read the permissions of {}", file, e);
        }
    }

    private static void create(Path file, SecureRandom random) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + FILE_NAME + "-", ".tmp", attributes);
        byte[] bytes = new byte[FILE_BYTES];
        random.nextBytes(bytes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            publish(temp, file);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Files.deleteIfExists(temp);
        }
    }

    /** Puts the written temporary file in place without ever replacing a secret another process made meanwhile. */
    private static void publish(Path temp, Path file) throws IOException {
        try {
            // A hard link fails when the name exists: if two servers start at once on one data directory, one secret wins
            // and both use it (the loser reads the winner's file).
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            moveIntoPlace(temp, file);
        }
    }

    private static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file);
        }
    }

    /**
     * A key for one purpose, derived from the secret: HMAC-SHA256(secret, label). Keys for different labels are
     * independent, so a future use of the secret (say, signing cookies) can't be confused with a join token.
     */
    byte[] derive(String label) {
        requireNonNull(label, "label");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable (expected: in every Java runtime)", e);
        }
    }

    /** Where the secret came from: the file's path, or {@code explicit value}. Never the secret. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "ServerSecret[****, from " + origin + "]";
    }
}
