package dev.encore.loadtest;

import dev.encore.loadtest.client.ClientRuntime;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code encore loadtest}: simulated WebRTC listeners against a running server. Exit code 0 when delivery (and joins) reach
 * 99.9 %, 1 when they do not, 2 when the run could not happen (bad options, nothing joined).
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Joins N real WebRTC listeners (WHEP, ICE, DTLS-SRTP) to a show and measures delivery.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:delivery and joins >= 99.9%%", "1:below 99.9%%", "2:could not run"})
public final class LoadTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "URL", description = "the server's HTTP base URL, e.g. http://127.0.0.1:8080")
    URI target;

    @Option(names = "--show", required = true, paramLabel = "ID", description = "the show to listen to")
    String show;

    @Option(names = "--listeners", defaultValue = "100", paramLabel = "N", description = "listeners to start (default: ${DEFAULT-VALUE})")
    int listeners;

    @Option(names = "--ramp", defaultValue = "10s", converter = Durations.class, paramLabel = "DURATION",
            description = "time over which listeners join (default: ${DEFAULT-VALUE})")
    Duration ramp;

    @Option(names = "--duration", defaultValue = "30s", converter = Durations.class, paramLabel = "DURATION",
            description = "how long listeners stay after the ramp (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--token", paramLabel = "T", description = "bearer token for token-access shows (default: $ENCORE_TOKEN)")
    String token;

    @Option(names = "--event-loops", defaultValue = "0", paramLabel = "N", description = "client event loops (0: one per core)")
    int eventLoops;

    @Option(names = "--dtls-threads", defaultValue = "8", paramLabel = "N",
            description = "concurrent DTLS handshakes (default: ${DEFAULT-VALUE})")
    int dtlsThreads;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bearer = token != null ? token : System.getenv("ENCORE_TOKEN");
        ListenerLoad load;
        try {
            ListenerLoad.Settings settings = new ListenerLoad.Settings(target, show, listeners, ramp, duration, bearer);
            ClientRuntime.Options options = new ClientRuntime.Options(eventLoops, dtlsThreads, 2, Duration.ofSeconds(10), true);
            load = new ListenerLoad(settings, options, out);
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            return LoadReport.EXIT_COULD_NOT_RUN;
        }
        try {
            return load.run().exitCode();
        } catch (RuntimeException e) {
            err.println("loadtest could not run: " + e);
            return LoadReport.EXIT_COULD_NOT_RUN;
        }
    }
}
