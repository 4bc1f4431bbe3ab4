package dev.encore.signaling;

import dev.encore.show.AccessMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The channel in a JVM of its own, for {@link DurabilityTest} to kill -9: prints "PORT n", then serves until killed. */
public final class DurabilityServer {
    private DurabilityServer() {
    }

    public static void main(String[] args) throws Exception {
        ShowChannel channel = ShowChannel.start(List.of(ShowChannelTest.show("rooftop", AccessMode.OPEN)), null,
                Path.of(args[0]), Clock.systemUTC(), ShowChannelTest.settings(Duration.ofMillis(250)));
        TestHttpServer server = new TestHttpServer(channel);
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
