package dev.encore.show;

/**
 * A performer rig pushing (S)RTP to a UDP port, e.g. ffmpeg.
 *
 * @param bind the address to bind, {@code 0.0.0.0} by default; plain RTP (no key) is allowed only on a loopback address
 * @param port the UDP port
 * @param srtpKey base64 of the 30-byte AES_CM_128_HMAC_SHA1_80 master key||salt, or null for plain RTP
 */
public record RtpIngestSettings(String bind, int port, Secret srtpKey) {
}
