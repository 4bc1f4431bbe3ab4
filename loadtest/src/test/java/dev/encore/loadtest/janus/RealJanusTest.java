package dev.encore.loadtest.janus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.audio.ToneAnalysis;
import dev.encore.loadtest.client.ClientRuntime;
import dev.encore.loadtest.client.DropReason;
import dev.encore.loadtest.client.ListenerConfig;
import dev.encore.loadtest.client.ListenerStats;
import dev.encore.loadtest.client.WebRtcListener;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five of the tool's listeners against a real Janus (Debian's {@code janus}, installed by scripts/install-test-deps.sh):
 * Janus offers, the listeners answer, ICE with Janus controlling, DTLS-SRTP with Janus's fingerprint checked, and the
 * tool's tone fed as plain RTP comes back authenticated, stamped and decodable as 440 Hz. Janus's HTTP API listens on
 * 127.0.0.1 only; its ICE is pinned to this machine's own IPv4 address (Janus never gathers on loopback); no STUN, TURN,
 * other plugins, transports or event handlers.
 */
class RealJanusTest {
    private static final int LISTENERS = 5;

    @TempDir
    Path dir;

    private Process janus;
    private Path log;
    private URI api;
    private int rtpPort;

    @BeforeEach
    void startJanus() throws Exception {
        Path etc = Path.of("/etc/janus/janus.jcfg");
        assertThat(etc).as("Debian's janus package (scripts/install-test-deps.sh installs it)").exists();
        String defaults = Files.readString(etc);
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path transports = Files.createDirectories(dir.resolve("transports"));
        Files.createDirectories(dir.resolve("events"));
        Files.createDirectories(dir.resolve("loggers"));
        Files.createSymbolicLink(plugins.resolve("libjanus_streaming.so"),
                Path.of(folder(defaults, "plugins_folder"), "libjanus_streaming.so"));
        Files.createSymbolicLink(transports.resolve("libjanus_http.so"),
                Path.of(folder(defaults, "transports_folder"), "libjanus_http.so"));
        int httpPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = s.getLocalPort();
        }
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            rtpPort = s.getLocalPort();
        }
        Files.writeString(dir.resolve("janus.jcfg"), """
                general: {
                \tconfigs_folder = "%1$s"
                \tplugins_folder = "%1$s/plugins"
                \ttransports_folder = "%1$s/transports"
                \tevents_folder = "%1$s/events"
                \tloggers_folder = "%1$s/loggers"
                \tdebug_level = 4
                \tinterface = "127.0.0.1"
                }
                certificates: {
                \trsa_private_key = false
                }
                media: {
                \tipv6 = false
                \tipv6_linklocal = false
                }
                nat: {
                \tice_enforce_list = "%2$s"
                \tignore_mdns = true
                }
                events: {
                \tbroadcast = false
                }
                """.formatted(dir, ownIpv4()));
        Files.writeString(dir.resolve("janus.transport.http.jcfg"), """
                general: {
                \tjson = "plain"
                \tbase_path = "/janus"
                \thttp = true
                \tport = %d
                \tip = "127.0.0.1"
                }
                admin: {
                \tadmin_http = false
                }
                """.formatted(httpPort));
        Files.writeString(dir.resolve("janus.plugin.streaming.jcfg"), """
                general: {
                }
                tone: {
                \ttype = "rtp"
                \tid = 1
                \taudio = true
                \tvideo = false
                \taudioport = %d
                \taudioiface = "127.0.0.1"
                \taudiopt = 111
                \taudiocodec = "opus"
                \taudiofmtp = "stereo=1;sprop-stereo=1"
                }
                """.formatted(rtpPort));
        log = dir.resolve("janus.log");
        janus = new ProcessBuilder("janus", "-F", dir.toString(), "-C", dir.resolve("janus.jcfg").toString(), "-o")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        api = URI.create("http://127.0.0.1:" + httpPort + "/janus");
        awaitInfo();
    }

    @AfterEach
    void stopJanus() throws InterruptedException {
        if (janus != null) {
            janus.destroy();
            if (!janus.waitFor(5, TimeUnit.SECONDS)) {
                janus.destroyForcibly();
            }
        }
    }

    @Test
    void listenersGetAuthenticatedStampedToneFromJanus() throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        try (ClientRuntime runtime = ClientRuntime.create(new ClientRuntime.Options(1, 4, 1, Duration.ofSeconds(5), true));
                JanusStreaming adapter = new JanusStreaming(api, 1, Duration.ofSeconds(5), Duration.ofSeconds(10));
                RtpFeeder feeder = new RtpFeeder(new InetSocketAddress("127.0.0.1", rtpPort));
                StampedTone tone = new StampedTone(feeder)) {
            tone.start();
            ListenerConfig config = ListenerConfig.builder(api, "mountpoint-1").decode(true, Duration.ofSeconds(1))
                    .packetListener((l, ssrc, seq, ts, payload, off, len, arrival) -> {
                        long sent = StampedTone.sendNanos(payload, off, len);
                        if (sent > 0) {
                            latencies.add(arrival - sent);
                        }
                    }).build();
            List<WebRtcListener> listeners = new ArrayList<>();
            for (int i = 0; i < LISTENERS; i++) {
                listeners.add(WebRtcListener.create(runtime, config, adapter.transport()));
            }
            try {
                List<CompletableFuture<WebRtcListener>> first = new ArrayList<>();
                for (WebRtcListener l : listeners) {
                    l.connect();
                    first.add(l.firstPacket());
                }
                try {
                    CompletableFuture.allOf(first.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("listeners did not all hear Janus: " + listeners + ", failures "
                            + listeners.stream().map(WebRtcListener::failure).toList() + "; Janus log:\n" + tail(), e);
                }
                assertThat(adapter.liveSessions()).isEqualTo(LISTENERS);
                Thread.sleep(2000);
                for (WebRtcListener l : listeners) {
                    ListenerStats stats = l.stats();
                    assertThat(stats.packets()).as("packets of %s", l).isGreaterThan(50);
                    assertThat(stats.lost()).isZero();
                    assertThat(stats.drops(DropReason.AUTH)).isZero();
                    assertThat(stats.decodeErrors()).isZero();
                    short[] pcm = l.pcm().snapshot();
                    assertThat(ToneAnalysis.dominantFrequency(pcm, 2, 48_000)).isCloseTo(StampedTone.TONE_HZ, Offset.offset(5.0));
                }
                List<Long> seen;
                synchronized (latencies) {
                    // Packets keep arriving on the client's event loops: iterate a copy, not the live list.
                    seen = List.copyOf(latencies);
                }
                assertThat(seen).isNotEmpty().allSatisfy(nanos -> assertThat(nanos).isBetween(0L, TimeUnit.SECONDS.toNanos(5)));
            } finally {
                List<CompletableFuture<Void>> closing = new ArrayList<>();
                listeners.forEach(l -> closing.add(l.closeAsync()));
                CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
            }
            assertThat(adapter.liveSessions()).isZero();
        }
    }

    private void awaitInfo() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(api + "/info")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (info.statusCode() == 200 && info.body().contains("janus.plugin.streaming")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !janus.isAlive()) {
                throw new AssertionError("Janus did not answer " + api + "/info; its log:\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A folder setting of Debian's janus.jcfg, e.g. {@code plugins_folder = "/usr/lib/x86_64-linux-gnu/janus/plugins"}. */
    private static String folder(String jcfg, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + name + "\\s*=\\s*\"([^\"]+)\"").matcher(jcfg);
        assertThat(m.find()).as("%s in /etc/janus/janus.jcfg", name).isTrue();
        return m.group(1);
    }

    /** This machine's own IPv4 address (not loopback): what Janus gathers on; datagrams to it stay in the kernel. */
    private static String ownIpv4() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        throw new AssertionError("no IPv4 address besides loopback (expected: one for Janus's ICE, which skips loopback)");
    }
}
