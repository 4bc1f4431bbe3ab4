package dev.encore.loadtest.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a {@link RunReport} to a report directory: {@code report.json}, one {@code .hlog} per histogram, {@code report.html}.
 * Each file is written to a temporary name and renamed, so an interrupted run never leaves a half-written file.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /** Creates {@code dir} if needed and writes the report's files into it. */
    public static void write(RunReport report, Path dir) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
