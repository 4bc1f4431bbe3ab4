package dev.encore.show;

import java.nio.file.Path;
import java.util.Map;

/** Loads and validates show files (YAML). */
public final class ShowFiles {
    private ShowFiles() {
    }

    /**
     * Loads a show file; {@code ${NAME}} values are taken from {@code env}.
     *
     * @throws ShowFileException naming the file, the key and what was expected
     */
    public static ShowConfig load(Path file, Map<String, String> env) throws ShowFileException {
        throw new UnsupportedOperationException("TODO");
    }
}
