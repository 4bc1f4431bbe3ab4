package dev.encore.show;

/**
 * The performer's Opus settings.
 *
 * @param bitrate Opus target bit rate in bit/s (6,000 to 510,000)
 * @param stereo whether the show is stereo
 */
public record AudioSettings(int bitrate, boolean stereo) {
}
