package dev.encore.loadtest.janus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.rtp.RtpPacket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RtpFeederTest {

    @Test
    void sendsRtpWithOpusPayloadTypeAndA20MillisecondClock() throws Exception {
        try (DatagramSocket mountpoint = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                RtpFeeder feeder = new RtpFeeder((InetSocketAddress) mountpoint.getLocalSocketAddress())) {
            mountpoint.setSoTimeout(5000);
            assertThat(feeder.send(new byte[] {1, 2, 3}, 3)).isTrue();
            assertThat(feeder.send(new byte[] {4, 5}, 2)).isTrue();

            byte[] a = receive(mountpoint);
            byte[] b = receive(mountpoint);

            assertThat(a.length).isEqualTo(RtpPacket.FIXED_HEADER_LENGTH + 3);
            assertThat(RtpPacket.isValid(a, 0, a.length)).isTrue();
            assertThat(RtpPacket.payloadType(a, 0)).isEqualTo(111);
            assertThat(RtpPacket.marker(a, 0)).isTrue();
            assertThat(RtpPacket.marker(b, 0)).isFalse();
            assertThat(RtpPacket.sequenceNumber(b, 0)).isEqualTo((RtpPacket.sequenceNumber(a, 0) + 1) & 0xFFFF);
            assertThat(RtpPacket.timestamp(b, 0)).isEqualTo((RtpPacket.timestamp(a, 0) + 960) & 0xFFFF_FFFFL);
            assertThat(RtpPacket.ssrc(b, 0)).isEqualTo(RtpPacket.ssrc(a, 0));
            assertThat(a[RtpPacket.FIXED_HEADER_LENGTH]).isEqualTo((byte) 1);
            assertThat(b[RtpPacket.FIXED_HEADER_LENGTH + 1]).isEqualTo((byte) 5);
        }
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        socket.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
