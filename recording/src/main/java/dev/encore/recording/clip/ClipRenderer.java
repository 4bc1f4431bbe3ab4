package dev.encore.recording.clip;

import static java.util.Objects.requireNonNull;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder.EncodedFrame;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Packet.FrameType;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.jcodec.common.model.Size;
import org.jcodec.common.model.Unit;
import org.jcodec.containers.mp4.Brand;
import org.jcodec.containers.mp4.MP4TrackType;
import org.jcodec.containers.mp4.MP4Util;
import org.jcodec.containers.mp4.boxes.ChunkOffsets64Box;
import org.jcodec.containers.mp4.boxes.Edit;
import org.jcodec.containers.mp4.boxes.MovieBox;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.boxes.TrakBox;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.containers.mp4.muxer.MP4MuxerTrack;

/**
 * Renders the highlights clip (issue 7): an MP4 with an H.264 title card (JCodec) and the Opus audio of a span of the set's
 * recording, carried over packet by packet, never re-encoded.
 *
 * <h2>The audio: Opus in MP4</h2>
 * The recording's Opus packets go into the MP4 as they are, per "Encapsulation of Opus in ISO Base Media File Format"
 * (https://opus-codec.org/docs/opus_in_isobmff.html): an {@code Opus} sample entry with a {@code dOps} box, a 48 kHz
 * timescale (movie and media alike, so trimming is sample-accurate), one MP4 sample per Opus packet, a 'roll' sample group
 * for the 80 ms pre-roll, and an edit list that does the trimming. The clip starts at a packet boundary at least 80 ms
 * before the requested start, so the decoder has warmed up when the span begins; the edit list's {@code media_time} skips
 * that pre-roll plus the offset of the start into its packet, and its {@code segment_duration} ends the clip on the exact
 * sample. JCodec 0.2.5's MP4 muxer has no Opus support (its {@code CodecMP4MuxerTrack} knows AAC, PCM and video codecs), so
 * this class uses its generic {@link MP4MuxerTrack} for the sample tables and chunking and gives it an Opus sample entry of
 * our own ({@link OpusMp4}); after JCodec builds the {@code moov}, the audio track gets its roll group and the tracks lose
 * JCodec's QuickTime-only boxes. That keeps the sample-table bookkeeping in one well-used place instead of a second MP4
 * writer here.
 *
 * <h2>Known risk: Telegram</h2>
 * Chromium, Firefox and ffmpeg play Opus in MP4. Telegram certainly plays H.264 + AAC; Opus in MP4 it very likely plays
 * (its clients decode with ffmpeg) but we cannot test Telegram here. The codec choice is visible as {@link #AUDIO_CODEC} and
 * in {@link ClipResult#audioCodec()}; if Telegram refuses it, the fallback is to transcode the span to AAC (which would give
 * up "no re-encoding").
 *
 * <h2>The video</h2>
 * A title card (the show's cover or a generated one, with show, song and performer) and a level meter driven by the Opus
 * packet sizes (a cheap loudness proxy that needs no decoding), {@value #FRAMES_PER_SECOND} frames per second, ending
 * exactly where the audio ends.
 *
 * <h2>The file</h2>
 * JCodec muxes into memory (a minute of clip is a few megabytes); the file is then written {@code ftyp}, {@code moov},
 * {@code mdat} ("fast start", so players and Telegram can stream it) to {@code out + ".tmp"}, forced to disk and moved
 * over {@code out} atomically. On any failure the temp file is deleted and {@code out} is left as it was.
 *
 * <p>Stateless and thread-safe. A render is CPU-bound (JCodec encodes a 640x360 frame in tens of milliseconds, so a
 * 60 s clip takes seconds): run it on a worker thread, never on an event loop.
 */
public final class ClipRenderer {
    public static final String VIDEO_CODEC = "h264";
    /** The clip's audio codec: the recording's own Opus, not re-encoded. See the class comment for the Telegram risk. */
    public static final String AUDIO_CODEC = "opus";
    static final int FRAMES_PER_SECOND = 5;

    private static final long MAX_COVER_PIXELS = 40_000_000L;
    private static final int RATE = OpusSpan.RATE;
    private static final int FRAME_TICKS = RATE / FRAMES_PER_SECOND;
    private static final byte[] MDAT = {'m', 'd', 'a', 't'};

    static {
        // Java2D draws the title card; a server has no display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Renders the clip to {@code out}.
     *
     * @throws ClipException when the span has no audio, the cover image is missing or not PNG/JPEG, or the recording is
     *     not Ogg Opus
     * @throws IOException when reading the recording or writing the clip fails
     */
    public ClipResult render(ClipRequest request, Path out) throws ClipException, IOException {
        requireNonNull(request, "request");
        requireNonNull(out, "out");
        BufferedImage cover = request.coverImage().isPresent() ? loadCover(request.coverImage().get()) : null;
        OpusSpan span = OpusSpanReader.read(request.recording(), request.fromSeconds(), request.effectiveToSeconds());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        boolean done = false;
        try {
            write(request, span, cover, tmp);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        return new ClipResult(out, span.fromSeconds(), span.durationSeconds(), VIDEO_CODEC, AUDIO_CODEC, Files.size(out));
    }

    /**
     * Checks that the request's span holds audio, without rendering or writing anything: reads the recording up to the
     * span's end, as {@link #render} would. For a caller that answers a bad span at once and renders later elsewhere.
     *
     * @return the clip's length in seconds, as {@link ClipResult#durationSeconds()} will say
     * @throws ClipException as {@link #render} for the span: no audio there (outside the recording, or only silence), or
     *     the recording is not Ogg Opus; the cover is not looked at
     * @throws IOException when reading the recording fails
     */
    public double check(ClipRequest request) throws ClipException, IOException {
        requireNonNull(request, "request");
        return OpusSpanReader.read(request.recording(), request.fromSeconds(), request.effectiveToSeconds()).durationSeconds();
    }

    private static void write(ClipRequest request, OpusSpan span, BufferedImage cover, Path file) throws IOException {
        TitleCard card = new TitleCard(request.width(), request.height(), cover, request.showTitle(), request.songTitle(),
                request.performer());
        double[] levels = levels(span);
        MemoryChannel media = new MemoryChannel();
        ClipMuxer muxer = new ClipMuxer(media);
        MuxerTrack video = muxer.addVideoTrack(Codec.H264,
                VideoCodecMeta.createSimpleVideoCodecMeta(new Size(request.width(), request.height()), ColorSpace.YUV420J));
        MP4MuxerTrack audio = muxer.addTrack(new MP4MuxerTrack(muxer.getNextTrackId(), MP4TrackType.SOUND));
        audio.addSampleEntry(OpusMp4.sampleEntry(span.head(), span.primingSamples()));
        // Edit durations are in the movie timescale, which JCodec takes from the video track: 48 kHz too.
        audio.setEdits(List.of(new Edit(span.validSamples(), span.primingSamples(), 1.0f)));
        audio.setTgtChunkDuration(new Rational(1, 2), Unit.SEC);

        H264Encoder encoder = H264Encoder.createH264Encoder();
        encoder.setKeyInterval(2 * FRAMES_PER_SECOND);
        Picture picture = card.newPicture();
        ByteBuffer encodeBuffer = ByteBuffer.allocate(encoder.estimateBufferSize(picture));

        List<byte[]> packets = span.packets();
        int[] durations = span.durations();
        int next = 0;
        long mediaTime = 0; // audio media time of packet `next`, in samples, pre-roll included
        long valid = span.validSamples();
        int frames = (int) ((valid + FRAME_TICKS - 1) / FRAME_TICKS);
        for (int i = 0; i < frames; i++) {
            long pts = (long) i * FRAME_TICKS;
            long duration = Math.min(FRAME_TICKS, valid - pts);
            card.toPicture(card.frame(levels, i), picture);
            encodeBuffer.clear();
            EncodedFrame encoded = encoder.encodeFrame(picture, encodeBuffer);
            ByteBuffer data = ByteBuffer.wrap(NIOUtils.toArray(encoded.getData()));
            video.addFrame(Packet.createPacket(data, pts, RATE, duration, i,
                    encoded.isKeyFrame() ? FrameType.KEY : FrameType.INTER, null));
            // Interleave: the audio that plays during this frame follows it in the file.
            long until = span.primingSamples() + pts + duration;
            while (next < packets.size() && mediaTime < until) {
                audio.addFrame(Packet.createPacket(ByteBuffer.wrap(packets.get(next)), mediaTime, RATE, durations[next],
                        next, FrameType.KEY, null));
                mediaTime += durations[next];
                next++;
            }
        }
        while (next < packets.size()) {
            audio.addFrame(Packet.createPacket(ByteBuffer.wrap(packets.get(next)), mediaTime, RATE, durations[next], next,
                    FrameType.KEY, null));
            mediaTime += durations[next];
            next++;
        }

        MovieBox moov = muxer.finalizeHeader();
        OpusMp4.makeIso(moov);
        for (TrakBox trak : moov.getAudioTracks()) {
            // ISO/IEC 14496-12 §8.3.2: a track's duration is that of its edits.
            trak.getTrackHeader().setDuration(valid);
            NodeBox stbl = NodeBox.findFirstPath(trak, NodeBox.class, new String[] {"mdia", "minf", "stbl"});
            for (var box : OpusMp4.rollGroup(packets.size(), typicalDuration(durations))) {
                stbl.add(box);
            }
        }
        writeMoovFirst(media, muxer.dataStart(), moov, file);
    }

    /**
     * Writes {@code ftyp}, {@code moov}, then {@code mdat} ("fast start"): a player, or Telegram streaming the video, has
     * the index before the media. JCodec's muxer puts the {@code moov} last, so the chunk offsets move by the {@code moov}'s
     * size; co64 offsets are 64-bit whatever their value, so shifting them does not change the size being shifted by.
     */
    private static void writeMoovFirst(MemoryChannel media, long dataStart, MovieBox moov, Path file) throws IOException {
        ByteBuffer head = media.slice(0, 8);
        int ftypSize = head.getInt();
        long dataLength = media.size() - dataStart;
        int mdatHeader = dataLength + 8 > 0xFFFFFFFFL ? 16 : 8;
        int moovSize = MP4Util.writeBox(moov, MP4Util.estimateMoovBoxSize(moov)).remaining();
        long shift = ftypSize + moovSize + mdatHeader - dataStart;
        for (TrakBox trak : moov.getTracks()) {
            ChunkOffsets64Box co64 = trak.getCo64();
            if (co64 != null) {
                long[] offsets = co64.getChunkOffsets();
                for (int i = 0; i < offsets.length; i++) {
                    offsets[i] += shift;
                }
                co64.setChunkOffsets(offsets);
            }
            if (trak.getStco() != null) {
                throw new IllegalStateException("32-bit chunk offsets from JCodec (expected: co64 only)");
            }
        }
        ByteBuffer moovBytes = MP4Util.writeBox(moov, MP4Util.estimateMoovBoxSize(moov));
        if (moovBytes.remaining() != moovSize) {
            throw new IllegalStateException("moov changed size when its chunk offsets moved: " + moovSize + " -> "
                    + moovBytes.remaining() + " (expected: the same)");
        }
        ByteBuffer mdat = ByteBuffer.allocate(mdatHeader);
        if (mdatHeader == 8) {
            mdat.putInt((int) (dataLength + 8)).put(MDAT);
        } else {
            mdat.putInt(1).put(MDAT).putLong(dataLength + 16);
        }
        mdat.flip();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (ByteBuffer b : new ByteBuffer[] {media.slice(0, ftypSize), moovBytes, mdat,
                    media.slice(dataStart, media.size())}) {
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            out.force(true);
        }
    }


    /** One level per video frame, 0..1: the Opus bytes per second during the frame, relative to the loudest frame. */
    static double[] levels(OpusSpan span) {
        long valid = span.validSamples();
        int frames = (int) ((valid + FRAME_TICKS - 1) / FRAME_TICKS);
        double[] bytes = new double[frames];
        long t = -span.primingSamples();
        int[] durations = span.durations();
        for (int k = 0; k < durations.length; k++) {
            long mid = t + durations[k] / 2;
            if (mid >= 0 && mid < valid) {
                bytes[(int) (mid / FRAME_TICKS)] += span.packets().get(k).length;
            }
            t += durations[k];
        }
        double max = 0;
        for (int i = 0; i < frames; i++) {
            long ticks = Math.min(FRAME_TICKS, valid - (long) i * FRAME_TICKS);
            bytes[i] = bytes[i] / ticks;
            max = Math.max(max, bytes[i]);
        }
        for (int i = 0; i < frames; i++) {
            bytes[i] = max > 0 ? bytes[i] / max : 0;
        }
        return bytes;
    }

    /** The most common packet duration (20 ms for WebRTC), for the roll distance. */
    private static int typicalDuration(int[] durations) {
        int best = 960;
        int bestCount = 0;
        for (int candidate : new int[] {120, 240, 480, 960, 1920, 2880}) {
            int count = 0;
            for (int d : durations) {
                if (d == candidate) {
                    count++;
                }
            }
            if (count > bestCount) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }

    /** Reads the cover: PNG or JPEG only, named in every error. */
    static BufferedImage loadCover(Path path) throws ClipException, IOException {
        if (!Files.isRegularFile(path)) {
            throw new ClipException("cover image not found: " + path + " (expected: a PNG or JPEG file)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new ClipException("cover image " + path + " is not an image in a known format"
                        + " (expected: a PNG or JPEG file)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                if (!format.equals("PNG") && !format.equals("JPEG")) {
                    throw new ClipException("cover image " + path + " is " + format
                            + ", which is not supported (expected: a PNG or JPEG file)");
                }
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_COVER_PIXELS) {
                    throw new ClipException("cover image " + path + " has " + pixels + " pixels (expected: at most "
                            + MAX_COVER_PIXELS + ")");
                }
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new ClipException("cover image " + path + " could not be read: " + e.getMessage()
                        + " (expected: a valid PNG or JPEG file)", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** JCodec's muxer, telling where the media data starts (after ftyp, a 'wide' box and a 64-bit mdat header). */
    private static final class ClipMuxer extends MP4Muxer {
        ClipMuxer(MemoryChannel channel) throws IOException {
            super(channel, Brand.MP4.getFileTypeBox());
        }

        long dataStart() {
            return mdatOffset + 8; // mdatOffset points at the mdat's 64-bit size field
        }
    }
}
