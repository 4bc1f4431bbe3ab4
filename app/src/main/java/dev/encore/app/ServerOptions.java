package dev.encore.app;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code demo} and {@code serve} share (a picocli mixin). */
final class ServerOptions {
    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP port: pages, WHEP, /healthz, /metrics (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--media-port", paramLabel = "PORT", defaultValue = "10000",
            description = "the one UDP port for every WebRTC peer (default: ${DEFAULT-VALUE})")
    int mediaPort;

    @Option(names = "--announce-ip", paramLabel = "IP",
            description = "the address listeners reach the media port at, put in SDP candidates (default: the bound address)")
    String announceIp;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "the address to bind both ports on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "encore-data",
            description = "where the server keeps its state (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Mixin
    AccessOptions access = new AccessOptions();

    EncoreServer.Options toOptions() {
        return new EncoreServer.Options(bind, httpPort, mediaPort, announceIp, dataDir);
    }
}
