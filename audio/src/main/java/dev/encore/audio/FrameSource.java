package dev.encore.audio;

/** Something that renders audio one 20 ms frame at a time (see {@link Frames}). */
public interface FrameSource {
    /** 1 or 2. */
    int channels();

    /** Fills {@code interleaved} ({@code 960 * channels()} samples) with the next frame. */
    void render(short[] interleaved);
}
