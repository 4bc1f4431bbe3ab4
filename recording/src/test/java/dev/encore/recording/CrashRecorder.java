package dev.encore.recording;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link SetRecorderCrashTest}: records a 440 Hz set fed in real time, with production options, and
 * prints {@code FED <packets>} after every 5 packets, until it is killed.
 */
public final class CrashRecorder {

    private CrashRecorder() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Encoded before the clock starts: a cold concentus must not slow the feed.
        SyntheticSet set = new SyntheticSet(java.util.List.of(new SyntheticSet.Part("Drone", 440, 300)), 0, 12345);
        SetRecorder recorder = SetRecorder.start(Path.of(args[0]), "crash", 1, new SetRecorder.SetInfo("Crash", null));
        out.println("FILE " + recorder.file());
        long start = System.nanoTime();
        for (int i = 0; i < set.packets.size(); i++) {
            long due = start + i * SyntheticSet.FRAME_NANOS;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            SyntheticSet.Packet p = set.packets.get(i);
            recorder.onOpus(System.nanoTime(), p.sequence(), p.rtpTimestamp(), p.payload(), 0, p.payload().length);
            if ((i + 1) % 5 == 0) {
                out.println("FED " + (i + 1));
            }
        }
        recorder.close();
        out.println("DONE");
    }
}
