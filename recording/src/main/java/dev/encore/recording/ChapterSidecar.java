package dev.encore.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The chapters of a recording next to it, rewritten whole at every song start (temp file, fsync, atomic rename), so they
 * are never half-written and survive a crash that the comment header (final only at close) does not:
 * {@code <name>.chapters.json} for the app and the clip tool, and {@code <name>.cue} for players that read cue sheets.
 * Stateless.
 */
final class ChapterSidecar {

    private ChapterSidecar() {
    }

    static Path jsonPath(Path recording) {
        return recording.resolveSibling(baseName(recording) + ".chapters.json");
    }

    static Path cuePath(Path recording) {
        return recording.resolveSibling(baseName(recording) + ".cue");
    }

    private static String baseName(Path recording) {
        String name = recording.getFileName().toString();
        return name.endsWith(".opus") ? name.substring(0, name.length() - 5) : name;
    }

    /** Writes both files. */
    static void write(Path recording, String showId, long runId, String title, String artist, Instant startedAt,
            List<Chapter> chapters, long durationMillis, boolean complete) throws IOException {
        atomicWrite(jsonPath(recording), json(recording, showId, runId, title, artist, startedAt, chapters, durationMillis,
                complete));
        atomicWrite(cuePath(recording), cue(recording, title, artist, chapters));
    }

    static String json(Path recording, String showId, long runId, String title, String artist, Instant startedAt,
            List<Chapter> chapters, long durationMillis, boolean complete) {
        StringBuilder s = new StringBuilder(256);
        s.append("{\n  \"file\": ").append(quote(recording.getFileName().toString()))
                .append(",\n  \"show\": ").append(quote(showId))
                .append(",\n  \"run\": ").append(runId)
                .append(",\n  \"title\": ").append(title == null ? "null" : quote(title))
                .append(",\n  \"artist\": ").append(artist == null ? "null" : quote(artist))
                .append(",\n  \"startedAt\": ").append(quote(startedAt.toString()))
                .append(",\n  \"durationMillis\": ").append(durationMillis)
                .append(",\n  \"complete\": ").append(complete)
                .append(",\n  \"chapters\": [");
        for (int i = 0; i < chapters.size(); i++) {
            Chapter c = chapters.get(i);
            s.append(i == 0 ? "\n" : ",\n").append("    {\"number\": ").append(c.number())
                    .append(", \"song\": ").append(c.song())
                    .append(", \"title\": ").append(quote(c.title()))
                    .append(", \"offsetMillis\": ").append(c.offset().toMillis())
                    .append(", \"offset\": ").append(quote(c.timestamp()))
                    .append(", \"at\": ").append(quote(c.at().toString())).append('}');
        }
        return s.append(chapters.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    /** A cue sheet: INDEX times are MM:SS:FF with 75 frames a second. */
    static String cue(Path recording, String title, String artist, List<Chapter> chapters) {
        StringBuilder s = new StringBuilder(256);
        if (artist != null) {
            s.append("PERFORMER ").append(cueQuote(artist)).append('\n');
        }
        if (title != null) {
            s.append("TITLE ").append(cueQuote(title)).append('\n');
        }
        s.append("FILE ").append(cueQuote(recording.getFileName().toString())).append(" WAVE\n");
        for (Chapter c : chapters) {
            long ms = c.offset().toMillis();
            long frames = ms * 75 / 1000;
            s.append(String.format("  TRACK %02d AUDIO%n", c.number()));
            s.append("    TITLE ").append(cueQuote(c.title())).append('\n');
            s.append(String.format("    INDEX 01 %02d:%02d:%02d%n", frames / 75 / 60, frames / 75 % 60, frames % 75));
        }
        return s.toString().replace(System.lineSeparator(), "\n");
    }

    private static void atomicWrite(Path target, String content) throws IOException {
        AtomicFiles.write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Cue sheets have no escapes: double quotes become single ones, line breaks spaces. */
    private static String cueQuote(String s) {
        return '"' + s.replace('"', '\'').replace('\n', ' ').replace('\r', ' ') + '"';
    }
}
