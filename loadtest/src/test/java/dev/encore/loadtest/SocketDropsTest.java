package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocketDropsTest {
    private static final String HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode ref pointer drops";

    @Test
    void sumsTheDropsColumnOfTheGivenLocalPortsOnly() {
        List<String> lines = List.of(HEADER,
                "  10: 0100007F:9C40 0100007F:4F4C 01 00000000:00000000 00:00000000 00000000     0        0 1001 2"
                        + " 0000000000000000 7",
                "  11: 0100007F:9C41 0100007F:4F4C 01 00000000:00000000 00:00000000 00000000     0        0 1002 2"
                        + " 0000000000000000 5",
                "  12: 0100007F:4F4C 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1003 2"
                        + " 0000000000000000 1000",
                "garbage line");
        // 0x9C40 = 40000, 0x9C41 = 40001, 0x4F4C = 20300 (the server's port: not ours)
        assertThat(SocketDrops.sumLines(Set.of(40000, 40001), lines)).isEqualTo(12);
        assertThat(SocketDrops.sumLines(Set.of(40001), lines)).isEqualTo(5);
        assertThat(SocketDrops.sumLines(Set.of(12345), lines)).isZero();
    }

    /** A real socket that overflows: its drops show up under its port in this machine's /proc/net/udp. */
    @Test
    void seesARealSocketOverflow() throws Exception {
        try (DatagramSocket full = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            full.setReceiveBufferSize(4096);
            int port = full.getLocalPort();
            long before = SocketDrops.sum(Set.of(port), SocketDrops.PROC_FILES);
            assertThat(before).as("readable on Linux").isZero();
            byte[] datagram = new byte[1000];
            for (int i = 0; i < 500; i++) {
                sender.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
            }
            assertThat(SocketDrops.sum(Set.of(port), SocketDrops.PROC_FILES)).as("drops of a socket nobody reads")
                    .isPositive();
            assertThat(SocketDrops.sum(Set.of(sender.getLocalPort()), List.of(Path.of("/proc/net/udp")))).isZero();
        }
    }
}
