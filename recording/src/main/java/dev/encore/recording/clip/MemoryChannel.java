package dev.encore.recording.clip;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.jcodec.common.io.SeekableByteChannel;

/**
 * A growable in-memory channel for JCodec's muxer, so the finished MP4 can be laid out with its {@code moov} first (a
 * clip is a few megabytes). Not thread-safe: one render, one thread.
 */
final class MemoryChannel implements SeekableByteChannel {
    private byte[] bytes = new byte[1 << 20];
    private int size;
    private int position;

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        long end = (long) position + n;
        if (end > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("clip of " + end + " bytes (expected: under 2 GiB)");
        }
        if (end > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(end, 2L * bytes.length)));
        }
        src.get(bytes, position, n);
        position += n;
        size = Math.max(size, position);
        return n;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = Math.min(dst.remaining(), size - position);
        dst.put(bytes, position, n);
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel setPosition(long newPosition) {
        if (newPosition < 0 || newPosition > size) {
            throw new IllegalArgumentException("position: " + newPosition + " (expected: 0.." + size + ")");
        }
        position = (int) newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        size = (int) Math.min(size, Math.max(0, newSize));
        position = Math.min(position, size);
        return this;
    }

    /** The bytes {@code [from, to)}, not copied. */
    ByteBuffer slice(long from, long to) {
        return ByteBuffer.wrap(bytes, (int) from, (int) (to - from));
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
