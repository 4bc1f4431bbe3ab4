package dev.encore.protocol.sdp;

import dev.encore.protocol.dtls.Fingerprint;
import dev.encore.protocol.stun.IceCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The offers in {@code src/test/resources/sdp/} and local media for both sides. */
final class SdpFixtures {
    static final String CHROME_WHEP_RECVONLY = "chrome-whep-recvonly.sdp";
    static final String CHROME_SENDRECV = "chrome-sendrecv.sdp";
    static final String FIREFOX_SENDRECV = "firefox-sendrecv.sdp";
    static final String OBS_WHIP_SENDONLY = "obs-whip-sendonly.sdp";
    static final String CHROMIUM_156_CAPTURED = "chromium-156-captured-recvonly.sdp";
    static final String[] ALL = {CHROME_WHEP_RECVONLY, CHROME_SENDRECV, FIREFOX_SENDRECV, OBS_WHIP_SENDONLY, CHROMIUM_156_CAPTURED};

    static final IceCredentials SERVER_ICE = new IceCredentials("EnCr", "s3rv3rPwd+/abcdefghijKLM");
    static final Fingerprint SERVER_FINGERPRINT = Fingerprint.parse(
            "sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9");
    static final IceCredentials CLIENT_ICE = new IceCredentials("cl1entUf", "cl1entPwd0123456789abcd");
    static final Fingerprint CLIENT_FINGERPRINT = Fingerprint.parse(
            "sha-256 F0:E1:D2:C3:B4:A5:96:87:78:69:5A:4B:3C:2D:1E:0F:F0:E1:D2:C3:B4:A5:96:87:78:69:5A:4B:3C:2D:1E:0F");

    private SdpFixtures() {
    }

    static String load(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /sdp/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server side of a session: a WHEP listener (SENDONLY) or WHIP ingest (RECVONLY). */
    static LocalMedia server(Direction direction) {
        return server(direction, "203.0.113.10");
    }

    static LocalMedia server(Direction direction, String ip) {
        return new LocalMedia(SERVER_ICE, SERVER_FINGERPRINT, ip, 40000, direction, 305419896L, "encore", "show-1", true, 128000);
    }

    /** The Java client: receives only, offers no candidate. */
    static LocalMedia client() {
        return new LocalMedia(CLIENT_ICE, CLIENT_FINGERPRINT, null, 0, Direction.RECVONLY, 0, "client", "client", true, 0);
    }
}
