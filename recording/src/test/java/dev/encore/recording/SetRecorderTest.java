package dev.encore.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.encore.audio.ToneAnalysis;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetRecorderTest {
    private static final Instant T0 = Instant.parse("2026-11-22T20:15:30Z");
    private static final long N0 = 5_000_000_000L;

    @TempDir
    Path dataDir;

    private SetRecorder.Options options() {
        return SetRecorder.Options.defaults().withClocks(Clock.fixed(T0, ZoneOffset.UTC), () -> N0).withQueueCapacity(5000);
    }

    /** Feeds the set's packets and a chapter at each song's start, in arrival order. */
    private static void play(SyntheticSet set, SetRecorder recorder, long firstArrival) {
        play(set, recorder, firstArrival, -1);
    }

    /** ... except packet {@code lost}, lost on the way. */
    private static void play(SyntheticSet set, SetRecorder recorder, long firstArrival, int lost) {
        int next = 0;
        for (int i = 0; i < set.packets.size(); i++) {
            SyntheticSet.Packet p = set.packets.get(i);
            if (i == lost) {
                continue;
            }
            while (next < set.songs.size() && firstArrival + set.songs.get(next).slot() * SyntheticSet.FRAME_NANOS <= p.arrivalNanos()) {
                SyntheticSet.SongStart s = set.songs.get(next++);
                recorder.chapter(s.song(), s.title(), T0.plusNanos(firstArrival - N0 + s.slot() * SyntheticSet.FRAME_NANOS));
            }
            recorder.onOpus(p.arrivalNanos(), p.sequence(), p.rtpTimestamp(), p.payload(), 0, p.payload().length);
        }
    }

    @Test
    void aSetWithThreeSongsAndThePerformerAwayIsRecordedTrueToTime() throws Exception {
        long first = N0 + 100_000_000L;
        SyntheticSet set = SyntheticSet.threeSongs(first, 0xFFFFFFFFL - 200 * 960L); // the RTP clock wraps in song 2
        SetRecorder recorder = SetRecorder.start(dataDir, "rooftop", 3, new SetRecorder.SetInfo("Rooftop", "Mira"), options());
        play(set, recorder, first, 75); // one packet lost in the middle of song 1
        recorder.close();

        Path file = recorder.file();
        assertThat(file).isEqualTo(dataDir.resolve("recordings/rooftop-run3-20261122-201530.opus"));
        RecordingStatus status = recorder.status();
        assertThat(status.state()).isEqualTo(RecordingStatus.State.CLOSED);
        assertThat(status.lastError()).isNull();
        assertThat(status.packetsWritten()).isEqualTo(449);
        assertThat(status.packetsDropped()).isZero();
        assertThat(status.silenceFrames()).as("2 s away and the lost packet").isEqualTo(101);
        assertThat(status.chapters()).isEqualTo(3);
        assertThat(status.bytesWritten()).isEqualTo(Files.size(file));
        assertThat(status.duration().toMillis()).isCloseTo(11_000, within(20L));

        Map<String, String> probe = Ffmpeg.probe(file);
        assertThat(probe).containsEntry("streams.stream.0.codec_name", "opus")
                .containsEntry("streams.stream.0.sample_rate", "48000")
                .containsEntry("streams.stream.0.channels", "2")
                .containsEntry("streams.stream.0.tags.ARTIST", "Mira");
        assertThat(Double.parseDouble(probe.get("format.duration"))).as("the set's 11 s").isCloseTo(11.0, within(0.020));
        // The chapters in the comment header (rewritten at close), read by ffmpeg.
        assertThat(Double.parseDouble(probe.get("chapters.chapter.0.start_time"))).isCloseTo(0.0, within(0.020));
        assertThat(Double.parseDouble(probe.get("chapters.chapter.1.start_time"))).isCloseTo(3.0, within(0.020));
        assertThat(Double.parseDouble(probe.get("chapters.chapter.2.start_time"))).isCloseTo(8.0, within(0.020));
        assertThat(probe).containsEntry("chapters.chapter.2.tags.title", "Encore");

        short[] pcm = Ffmpeg.decodeMono(file);
        assertThat(pcm.length / 48_000.0).isCloseTo(11.0, within(0.020));
        assertThat(ToneAnalysis.dominantFrequency(span(pcm, 0.2, 2.8), 1, 48_000)).isCloseTo(440, within(2.0));
        assertThat(ToneAnalysis.dominantFrequency(span(pcm, 3.2, 5.8), 1, 48_000)).isCloseTo(660, within(2.0));
        assertThat(ToneAnalysis.dominantFrequency(span(pcm, 8.2, 10.8), 1, 48_000)).isCloseTo(880, within(2.0));
        assertThat(OpusPacketTest.peak(span(pcm, 6.05, 7.95))).as("the performer away: digital silence").isZero();
        assertThat(ToneAnalysis.rmsDbfs(span(pcm, 5.0, 5.9))).as("song 2 plays up to the gap").isGreaterThan(-15);

        // The sidecars list each song at its offset.
        String json = Files.readString(dataDir.resolve("recordings/rooftop-run3-20261122-201530.chapters.json"));
        assertThat(json).contains("\"complete\": true").contains("\"title\": \"Ballad\"");
        assertThat(offsets(json)).hasSize(3);
        assertThat(offsets(json).get(0)).isCloseTo(0, within(20L));
        assertThat(offsets(json).get(1)).isCloseTo(3000, within(20L));
        assertThat(offsets(json).get(2)).isCloseTo(8000, within(20L));
        String cue = Files.readString(dataDir.resolve("recordings/rooftop-run3-20261122-201530.cue"));
        assertThat(cue).contains("FILE \"rooftop-run3-20261122-201530.opus\" WAVE", "TRACK 03 AUDIO", "TITLE \"Encore\"",
                "INDEX 01 00:07:74"); // 8 s minus the 6.5 ms pre-skip, in 1/75 s frames
        assertThat(Files.list(dataDir.resolve("recordings")).map(p -> p.getFileName().toString()))
                .as("no temp files left").noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void chaptersAreInTheSidecarAsSoonAsTheSongStarts() throws Exception {
        long first = N0;
        SyntheticSet set = SyntheticSet.threeSongs(first, 0);
        SetRecorder recorder = SetRecorder.start(dataDir, "rooftop", 1, new SetRecorder.SetInfo(null, null), options());
        List<SyntheticSet.Packet> firstSong = set.packets.subList(0, 150);
        recorder.chapter(0, "Opening", T0);
        for (SyntheticSet.Packet p : firstSong) {
            recorder.onOpus(p.arrivalNanos(), p.sequence(), p.rtpTimestamp(), p.payload(), 0, p.payload().length);
        }
        recorder.chapter(1, "Ballad", T0.plusSeconds(3));
        Path json = ChapterSidecar.jsonPath(recorder.file());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.readString(json).contains("Ballad") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(json)).contains("\"complete\": false");
        assertThat(offsets(Files.readString(json))).hasSize(2);
        assertThat(offsets(Files.readString(json)).get(1)).isCloseTo(3000, within(20L));
        recorder.close();
    }

    @Test
    void aFullDiskStopsTheRecordingQuietlyAndLeavesAValidFile() throws Exception {
        List<RecordingStatus> failures = new CopyOnWriteArrayList<>();
        long limit = 20_000;
        SetRecorder.Options options = options().withOnFailure(failures::add)
                .withOpener(f -> new FullDisk(FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), limit));
        long first = N0;
        SyntheticSet set = SyntheticSet.threeSongs(first, 0);
        SetRecorder recorder = SetRecorder.start(dataDir, "rooftop", 2, new SetRecorder.SetInfo("Rooftop", null), options);
        play(set, recorder, first); // never throws, never blocks
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (recorder.status().state() == RecordingStatus.State.RECORDING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        recorder.onOpus(first, 1, 0, new byte[] {(byte) 0xFC, 1, 2}, 0, 3); // ignored
        recorder.close();

        RecordingStatus status = recorder.status();
        assertThat(status.state()).isEqualTo(RecordingStatus.State.FAILED);
        assertThat(status.lastError()).isEqualTo("DiskFull: No space left on device");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).lastError()).isEqualTo(status.lastError());
        Path file = recorder.file();
        assertThat(Files.size(file)).as("cut back to the last whole page").isLessThanOrEqualTo(limit)
                .isEqualTo(status.bytesWritten());
        OggOpusReader.Stream stream = OggOpusReader.read(file);
        assertThat(stream.damage()).isNull();
        assertThat(stream.complete()).isFalse();
        assertThat(stream.packets()).isNotEmpty();
        short[] pcm = Ffmpeg.decodeMono(file);
        assertThat(pcm.length).isEqualTo(stream.playableSamples());
        assertThat(ToneAnalysis.dominantFrequency(span(pcm, 0.1, pcm.length / 48_000.0 - 0.1), 1, 48_000))
                .isCloseTo(440, within(2.0));
    }

    @Test
    void aDiskFullBeforeTheHeadersLeavesNoFile() throws Exception {
        SetRecorder.Options options = options().withOpener(f -> new FullDisk(FileChannel.open(f, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 30));
        SetRecorder recorder = SetRecorder.start(dataDir, "rooftop", 5, new SetRecorder.SetInfo(null, null), options);
        recorder.onOpus(N0, 1, 0, new byte[] {(byte) 0xFC, 1, 2}, 0, 3);
        recorder.close();
        assertThat(recorder.status().state()).isEqualTo(RecordingStatus.State.FAILED);
        assertThat(recorder.status().lastError()).isEqualTo("DiskFull: No space left on device");
        assertThat(recorder.file()).doesNotExist();
    }

    @Test
    void anUnwritableDataDirIsReportedAndTheShowGoesOn() throws Exception {
        Path notADir = Files.writeString(dataDir.resolve("plain-file"), "x");
        List<RecordingStatus> failures = new ArrayList<>();
        SetRecorder recorder = SetRecorder.start(notADir, "rooftop", 1, new SetRecorder.SetInfo(null, null),
                options().withOnFailure(failures::add));
        recorder.onOpus(N0, 1, 0, new byte[] {(byte) 0xFC, 1, 2}, 0, 3);
        recorder.chapter(0, "Opening", T0);
        recorder.close();
        assertThat(recorder.status().state()).isEqualTo(RecordingStatus.State.FAILED);
        assertThat(recorder.status().lastError()).startsWith("FileSystemException");
        assertThat(failures).hasSize(1);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        SetRecorder.Options options = options().withQueueCapacity(4).withOpener(f -> new SlowChannel(
                FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
        SyntheticSet set = SyntheticSet.threeSongs(N0, 0);
        SetRecorder recorder = SetRecorder.start(dataDir, "rooftop", 4, new SetRecorder.SetInfo(null, null), options);
        play(set, recorder, N0);
        assertThat(recorder.status().packetsDropped()).isPositive();
        recorder.close();
        assertThat(recorder.status().packetsWritten() + recorder.status().packetsDropped()).isEqualTo(450);
        assertThat(OggOpusReader.read(recorder.file()).complete()).isTrue();
    }

    static short[] span(short[] pcm, double fromSeconds, double toSeconds) {
        return Arrays.copyOfRange(pcm, (int) (fromSeconds * 48_000), (int) (toSeconds * 48_000));
    }

    private static List<Long> offsets(String json) {
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"offsetMillis\": (\\d+)").matcher(json);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    /** A file on a disk that fills up after {@code limit} bytes: a partial write, then ENOSPC. */
    private static final class FullDisk implements SeekableByteChannel {
        private final FileChannel file;
        private final long limit;

        FullDisk(FileChannel file, long limit) {
            this.file = file;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long room = limit - file.position();
            if (room <= 0) {
                throw new IOException("No space left on device");
            }
            if (src.remaining() > room) {
                ByteBuffer part = src.slice().limit((int) room);
                int n = file.write(part);
                src.position(src.position() + n);
                return n;
            }
            return file.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** A disk that takes 10 ms per write. */
    private static final class SlowChannel implements SeekableByteChannel {
        private final FileChannel file;

        SlowChannel(FileChannel file) {
            this.file = file;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return file.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
