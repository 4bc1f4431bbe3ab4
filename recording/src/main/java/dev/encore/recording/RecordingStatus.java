package dev.encore.recording;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A snapshot of one set recording, for the performer console and the post-show report.
 *
 * @param file the recording, or null if it could not even be created
 * @param bytesWritten bytes of whole pages on disk (headers included)
 * @param duration the playable length of what is on disk or about to be (up to the page being filled)
 * @param packetsWritten the performer's packets in the file
 * @param packetsDropped packets the recorder had no room for (its queue was full): never blocks the media thread
 * @param packetsLate packets that came too late for the reorder window, duplicates, or malformed
 * @param silenceFrames 20 ms silence packets written for holes (loss, DTX, the performer away)
 * @param chapters chapters recorded
 * @param lastError why the recording stopped, e.g. {@code DiskFull: No space left on device}, or null
 */
public record RecordingStatus(State state, Path file, long bytesWritten, Duration duration, long packetsWritten,
        long packetsDropped, long packetsLate, long silenceFrames, int chapters, String lastError) {

    public enum State {
        /** Packets are being written. */
        RECORDING,
        /** A write failed: the recording stopped; the file is valid up to the last whole page. */
        FAILED,
        /** Closed normally: the stream has its EOS page and the final chapters. */
        CLOSED
    }
}
