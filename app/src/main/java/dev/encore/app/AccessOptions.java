package dev.encore.app;

import dev.encore.show.AccessMode;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options {@code serve}, {@code demo} and {@code token} share about join tokens (a picocli mixin): where the server
 * secret comes from, and the public address that listener links start with.
 *
 * <p>The secret: the file given with {@code --secret-file} (its text, surrounding white space stripped), else the
 * environment variable {@value #SECRET_ENV}, else {@code <data-dir>/secret.key} (created on first start). Every message
 * names the source, never the secret.
 */
final class AccessOptions {
    /** The environment variable holding an explicit server secret. */
    static final String SECRET_ENV = "ENCORE_SECRET";
    /** Longest secret file read, in bytes. */
    static final int MAX_SECRET_FILE_BYTES = 4096;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "a file holding the server secret (at least 32 characters); default: $" + SECRET_ENV
                    + ", else <data-dir>/secret.key, created on first start")
    Path secretFile;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "the address listeners open, e.g. https://live.example.org; listener links start with it"
                    + " (default: http://localhost:<http-port>)")
    String publicUrl;

    /** Where {@value #SECRET_ENV} is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    /**
     * The server secret, per the order above.
     *
     * @throws IOException or IllegalArgumentException saying what was wrong with which source, never the secret
     */
    ServerSecret secret(Path dataDir) throws IOException {
        if (secretFile != null) {
            String text;
            try {
                if (Files.size(secretFile) > MAX_SECRET_FILE_BYTES) {
                    throw new IOException("--secret-file " + secretFile + ": " + Files.size(secretFile) + " bytes (expected: a"
                            + " secret of at most " + MAX_SECRET_FILE_BYTES + " bytes)");
                }
                text = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new IOException("--secret-file " + secretFile + ": no such file (expected: a file holding the secret)");
            } catch (IOException e) {
                throw e.getMessage() != null && e.getMessage().startsWith("--secret-file") ? e : new IOException("--secret-file "
                        + secretFile + ": cannot be read (" + e.getClass().getSimpleName() + "; expected: a readable UTF-8 text"
                        + " file)");
            }
            try {
                return ServerSecret.ofValue(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--secret-file " + secretFile + ": " + e.getMessage());
            }
        }
        String value = env.get(SECRET_ENV);
        if (value != null && !value.isBlank()) {
            try {
                return ServerSecret.ofValue(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(SECRET_ENV + ": " + e.getMessage());
            }
        }
        return ServerSecret.load(null, dataDir);
    }

    /** The checked {@code --public-url} without a trailing slash, or null when not given. */
    String publicUrl() {
        return publicUrl == null ? null : checkPublicUrl(publicUrl);
    }

    /**
     * An absolute http(s) URL without query or fragment, returned without its trailing slash.
     *
     * @throws IllegalArgumentException saying what was wrong
     */
    static String checkPublicUrl(String url) {
        String expected = " (expected: an http or https URL such as https://live.example.org, without ? or #)";
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--public-url: '" + clip(url) + "' is not a URL" + expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--public-url: '" + clip(url) + "' is not usable" + expected);
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** A random secret for a server without a data directory (tests): its tokens die with it. */
    static ServerSecret ephemeralSecret() {
        byte[] bytes = new byte[ServerSecret.FILE_BYTES];
        new SecureRandom().nextBytes(bytes);
        return ServerSecret.ofValue(HexFormat.of().formatHex(bytes));
    }

    /** The listener link for a token: {@code <base>/l/<show>?t=<token>} (a token is URL-safe as it is). */
    static String listenerLink(String baseUrl, String showId, String token) {
        return baseUrl + "/l/" + showId + "?t=" + token;
    }

    /** For the links {@code serve} prints: how listeners of a token show get theirs; empty for an open show. */
    static String tokenHint(ShowConfig show) {
        return show.access() == AccessMode.TOKEN ? "  (token show: personal links from ./encore token --show " + show.id()
                + " --link)" : "";
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
