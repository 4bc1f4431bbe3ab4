package dev.encore.recording;

import dev.encore.audio.OpusFrameEncoder;
import dev.encore.audio.ToneSynth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A performer's set as the show router's tap would see it: songs of known tones encoded with concentus, 20 ms apart in
 * RTP time and arrival time, with the performer away (no packets, the outgoing stream's clock advancing) between songs.
 */
final class SyntheticSet {
    static final long FRAME_NANOS = 20_000_000L;

    /** A song, or a pause when {@code frequency} is 0. */
    record Part(String title, double frequency, int frames) {
    }

    record Packet(long arrivalNanos, int sequence, long rtpTimestamp, byte[] payload) {
    }

    /** Where a song starts in the set, in 20 ms slots. */
    record SongStart(int song, String title, int slot) {
    }

    private static final Map<List<Part>, List<byte[]>> ENCODED = new ConcurrentHashMap<>();

    final List<Packet> packets = new ArrayList<>();
    final List<SongStart> songs = new ArrayList<>();
    final int slots;

    /**
     * @param firstArrivalNanos arrival of the first packet
     * @param firstTimestamp RTP timestamp of the first packet (e.g. near the wrap)
     */
    SyntheticSet(List<Part> parts, long firstArrivalNanos, long firstTimestamp) {
        List<byte[]> encoded = ENCODED.computeIfAbsent(parts, SyntheticSet::encode);
        int slot = 0;
        int sequence = 1000;
        int song = 0;
        int k = 0;
        for (Part part : parts) {
            if (part.frequency() == 0) {
                slot += part.frames();
                continue;
            }
            songs.add(new SongStart(song++, part.title(), slot));
            for (int i = 0; i < part.frames(); i++) {
                packets.add(new Packet(firstArrivalNanos + slot * FRAME_NANOS, sequence++ & 0xFFFF,
                        (firstTimestamp + slot * 960L) & 0xFFFFFFFFL, encoded.get(k++)));
                slot++;
            }
        }
        this.slots = slot;
    }

    /** The songs' packets, encoded once per JVM (a cold concentus takes a while). */
    private static List<byte[]> encode(List<Part> parts) {
        OpusFrameEncoder encoder = new OpusFrameEncoder(128_000, true);
        short[] pcm = new short[960 * 2];
        byte[] out = new byte[1275];
        List<byte[]> encoded = new ArrayList<>();
        for (Part part : parts) {
            if (part.frequency() == 0) {
                continue;
            }
            ToneSynth tone = new ToneSynth(part.frequency(), 0.5, true);
            for (int i = 0; i < part.frames(); i++) {
                tone.render(pcm);
                encoded.add(Arrays.copyOf(out, encoder.encode(pcm, out)));
            }
        }
        return encoded;
    }

    /** Three 3 s songs at 440, 660 and 880 Hz; the performer is away for 2 s between the second and the third. */
    static SyntheticSet threeSongs(long firstArrivalNanos, long firstTimestamp) {
        return new SyntheticSet(List.of(new Part("Opening", 440, 150), new Part("Ballad", 660, 150), new Part(null, 0, 100),
                new Part("Encore", 880, 150)), firstArrivalNanos, firstTimestamp);
    }
}
