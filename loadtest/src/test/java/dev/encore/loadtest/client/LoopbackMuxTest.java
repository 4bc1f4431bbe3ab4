package dev.encore.loadtest.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpSession;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Shared sockets for a loopback server ({@link LoopbackMux}): each listener is its own 5-tuple to the server, yet their
 * datagrams arrive through one socket and reach only the listener they were addressed to.
 */
class LoopbackMuxTest {

    @Test
    void listenersOnOneSharedSocketEachGetOnlyTheirOwnDatagrams() throws Exception {
        try (ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true));
                FakeServer a = new FakeServer();
                FakeServer b = new FakeServer()) {
            assertThat(runtime.sharesLoopbackSockets()).as("epoll on Linux, as CI runs").isTrue();
            WebRtcListener first = WebRtcListener.create(runtime, config(a));
            WebRtcListener second = WebRtcListener.create(runtime, config(b));
            try {
                first.connect().get(10, TimeUnit.SECONDS);
                second.connect().get(10, TimeUnit.SECONDS);
                // Two transport addresses as the servers see them: distinct loopback addresses, one shared port.
                assertThat(a.client.getAddress()).isNotEqualTo(b.client.getAddress());
                assertThat(a.client.getAddress().isLoopbackAddress() && b.client.getAddress().isLoopbackAddress()).isTrue();
                assertThat(a.client.getPort()).isEqualTo(b.client.getPort()).isEqualTo(first.localPort())
                        .isEqualTo(second.localPort());

                SrtpSession toFirst = a.srtp();
                SrtpSession toSecond = b.srtp();
                for (int seq = 1; seq <= 30; seq++) {
                    a.send(srtp(toFirst, seq));
                    if (seq <= 10) {
                        b.send(srtp(toSecond, seq));
                    }
                }
                await(() -> first.stats().packets() == 30 && second.stats().packets() == 10,
                        () -> "30 and 10 packets, got " + first.stats().packets() + " and " + second.stats().packets());
                assertThat(first.stats().totalDrops()).isZero();
                assertThat(second.stats().totalDrops()).isZero();

                // A datagram to an address on the shared port that no listener has is nobody's.
                long strays = runtime.sharedSocketStrays();
                InetSocketAddress nobody = new InetSocketAddress(InetAddress.getByName("127.254.255.254"), a.client.getPort());
                byte[] stray = srtp(toFirst, 31);
                a.udp.send(new DatagramPacket(stray, stray.length, nobody));
                await(() -> runtime.sharedSocketStrays() == strays + 1, () -> "one stray, counted "
                        + (runtime.sharedSocketStrays() - strays));

                // Once the first leaves, its address is no longer routed to it; the second goes on.
                first.close();
                a.send(srtp(toFirst, 32));
                b.send(srtp(toSecond, 11));
                await(() -> second.stats().packets() == 11, "the second listener's 11th packet");
                // (The fake server may also answer the departed listener's last datagrams: strays too.)
                await(() -> runtime.sharedSocketStrays() >= strays + 2, () -> "the departed listener's packet as a stray, "
                        + (runtime.sharedSocketStrays() - strays));
                assertThat(first.stats().packets()).isEqualTo(30);
            } finally {
                first.close();
                second.close();
            }
        }
    }

    @Test
    void onlyAnIpv4LoopbackServerIsServed() throws Exception {
        assertThat(LoopbackMux.serves(new InetSocketAddress("127.0.0.1", 9))).isTrue();
        assertThat(LoopbackMux.serves(new InetSocketAddress("127.3.2.1", 9))).isTrue();
        assertThat(LoopbackMux.serves(new InetSocketAddress("::1", 9))).as("one loopback address in IPv6").isFalse();
        assertThat(LoopbackMux.serves(new InetSocketAddress("0.0.0.0", 9))).as("an IPv4 address outside 127/8").isFalse();
        try (ClientRuntime perListener = ClientRuntime.create(new ClientRuntime.Options(1, 2, 1, Duration.ofSeconds(5), true)
                .withSharedLoopbackSockets(false))) {
            assertThat(perListener.sharesLoopbackSockets()).isFalse();
        }
    }

    private static ListenerConfig config(FakeServer server) {
        return ListenerConfig.builder(server.base(), FakeServer.SHOW).iceTimeout(Duration.ofSeconds(5))
                .dtlsTimeout(Duration.ofSeconds(5)).build();
    }

    private static byte[] srtp(SrtpSession session, int seq) {
        byte[] buf = new byte[200];
        byte[] payload = new byte[40];
        Arrays.fill(payload, (byte) seq);
        int n = RtpPacket.write(buf, 0, 111, false, seq, seq * 960L, FakeServer.SSRC, payload, 0, payload.length);
        n = session.protectRtp(buf, 0, n);
        return Arrays.copyOf(buf, n);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
