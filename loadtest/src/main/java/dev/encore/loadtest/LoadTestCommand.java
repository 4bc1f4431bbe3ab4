package dev.encore.loadtest;

import dev.encore.loadtest.report.ReportWriter;
import dev.encore.loadtest.report.RunReport;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code encore loadtest} (and the standalone {@code encore-loadtest.jar}): real WebRTC listeners, a synthetic performer,
 * voters and requesters against a show; a live progress line, a final table, a report, and the SLO verdict as the exit
 * code: 0 met, 1 missed, 2 the test could not run (bad options, server unreachable, unknown show, performer key refused,
 * nobody joined).
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, usageHelpWidth = 120, versionProvider = LoadTestCommand.Version.class,
        description = {"Loads a show with real WebRTC listeners (WHEP, ICE, DTLS-SRTP, SRTP-authenticated audio) and measures"
                + " time to first audio, one-way latency, loss, jitter, and poll/request latency; checks the SLOs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every SLO met", "1:an SLO missed", "2:the test could not run (bad arguments, server unreachable,"
                + " unknown show, performer key refused, nobody joined)"},
        footerHeading = "%nNotes:%n",
        footer = {"Arrivals: --listeners N --ramp D starts N listeners evenly over D; --arrivals storm:N@D is a front-loaded"
                + " burst (arrival rate decaying exponentially, time constant D/4: ~64%% arrive in the first quarter, all"
                + " within D).",
            "Churn: --churn 10%% (or 10%%/60s) makes that fraction of the listeners leave per period during the hold, evenly"
                + " spread; each rejoins 1 s later as a new session (a new WHEP offer, counted as a new arrival).",
            "Latency: the synthetic performer stamps each Opus packet with its due time (in Opus padding), so every listener"
                + " measures one-way latency on the tool's own clock.",
            "Secrets: give the performer key in $ENCORE_PERFORMER_KEY and a join token in $ENCORE_TOKEN to keep them out of"
                + " the process list; they are never printed."})
public final class LoadTestCommand implements Callable<Integer> {
    /** The objectives when no --slo is given: what the first version of the tool checked. */
    static final String DEFAULT_SLO = "joined>=99.9%,loss<0.1%";

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "URL", description = "the Encore server's HTTP base URL, e.g. http://127.0.0.1:8080")
    URI target;

    @Option(names = "--show", paramLabel = "ID", description = "the show (with --target)")
    String show;

    @Option(names = "--whep", paramLabel = "URL", description = "instead of --target/--show: any WHEP endpoint (listeners only)")
    URI whep;

    @Option(names = "--listeners", paramLabel = "N", description = "listeners to start (default: 100)")
    Integer listeners;

    @Option(names = "--ramp", converter = Durations.class, paramLabel = "DURATION",
            description = "time over which the listeners arrive, evenly (default: 10s)")
    Duration ramp;

    @Option(names = "--arrivals", paramLabel = "SPEC",
            description = "instead of --listeners/--ramp: storm:N@WINDOW (front-loaded burst) or ramp:N@WINDOW")
    String arrivals;

    @Option(names = "--duration", defaultValue = "30s", converter = Durations.class, paramLabel = "DURATION",
            description = "how long listeners stay once all have arrived (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--churn", defaultValue = "0", paramLabel = "F[/PERIOD]",
            description = "fraction of listeners that leave and rejoin per period (default period 60s), e.g. 10%% or 0.05/30s")
    String churn;

    @Option(names = "--media", paramLabel = "webrtc|none", defaultValue = "webrtc",
            description = "webrtc: every arrival is a WebRTC listener (default); none: arrivals only join the show channel,"
                    + " to measure polls and requests at scale (needs --voters or --requesters)")
    String media;

    @Option(names = "--publish", paramLabel = "synthetic|none",
            description = "synthetic: publish a stamped tone over WHIP (default with --target); none: listen to whoever performs")
    String publish;

    @Option(names = "--performer-key", paramLabel = "KEY", description = "the show's performer key (default: $ENCORE_PERFORMER_KEY)")
    String performerKey;

    @Option(names = "--token", paramLabel = "T", description = "join token for token shows (default: $ENCORE_TOKEN)")
    String token;

    @Option(names = "--voters", defaultValue = "0", converter = Fractions.class, paramLabel = "F",
            description = "fraction of listeners that also vote in the tool's polls over the show channel, e.g. 50%%")
    double voters;

    @Option(names = "--requesters", defaultValue = "0", converter = Fractions.class, paramLabel = "F",
            description = "fraction of listeners that also submit and upvote song requests, e.g. 10%%")
    double requesters;

    @Option(names = "--decode-sample", defaultValue = "1%", converter = Fractions.class, paramLabel = "F",
            description = "fraction of listeners that decode Opus and check the signal, at least one (default: ${DEFAULT-VALUE})")
    double decodeSample;

    @Option(names = "--slo", defaultValue = DEFAULT_SLO, paramLabel = "EXPR",
            description = "objectives, e.g. \"ttfa.p99<1s,latency.p99<150ms,loss<0.1%%,tally.p99<250ms\" (default:"
                    + " ${DEFAULT-VALUE}); metrics: " + Slo.TIME_METRICS + " (.p50 .p99 .p99.9 .max .mean), loss, joined, failed")
    String slo;

    @Option(names = "--report", paramLabel = "DIR", description = "write report.json, .hlog histograms and report.html here")
    Path report;

    @Option(names = "--event-loops", defaultValue = "0", paramLabel = "N", description = "client event loops (0: one per core)")
    int eventLoops;

    @Option(names = "--dtls-threads", defaultValue = "64", paramLabel = "N",
            description = "DTLS handshakes in progress at once, each on a thread that mostly waits for the server; they"
                    + " compute on half the cores (default: ${DEFAULT-VALUE})")
    int dtlsThreads;

    @Option(names = "--io-uring", description = "receive and send with io_uring instead of epoll (Linux): fewer system calls"
            + " per packet, so more listeners per core of the tool; falls back to epoll, with a warning, where unavailable")
    boolean ioUring;

    @Option(names = "--socket-per-listener", description = "against a server on 127.0.0.0/8, give each listener a socket"
            + " of its own on 127.0.0.1 instead of an address of its own (127.x.y.z) whose datagrams arrive, with"
            + " others', on a shared socket read many at a time (the default with epoll: fewer system calls per packet)")
    boolean socketPerListener;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RunSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            return RunResult.EXIT_COULD_NOT_RUN;
        }
        RunResult result;
        try {
            result = new LoadRun(settings, LoadRun.runtimeOptions(settings).withIoUring(ioUring)
                    .withSharedLoopbackSockets(!socketPerListener), out).run();
        } catch (LoadRun.CouldNotRun e) {
            err.println("loadtest could not run: " + e.getMessage());
            return RunResult.EXIT_COULD_NOT_RUN;
        } catch (RuntimeException e) {
            err.println("loadtest could not run: " + e);
            return RunResult.EXIT_COULD_NOT_RUN;
        }
        out.println();
        out.print(FinalTable.render(result));
        out.flush();
        if (settings.reportDir() != null) {
            try {
                RunReport r = ReportHandoff.toReport(result, settings);
                ReportWriter.write(r, settings.reportDir());
                out.println("report: " + settings.reportDir().toAbsolutePath());
            } catch (java.io.IOException | RuntimeException e) {
                err.println("loadtest: the report could not be written to " + settings.reportDir() + ": " + e);
            }
            out.flush();
        }
        return result.exitCode();
    }

    /** The settings from the options and the environment; IllegalArgumentException says what was wrong. */
    RunSettings settings() {
        Arrivals a;
        if (arrivals != null) {
            if (listeners != null || ramp != null) {
                throw new IllegalArgumentException("--arrivals with --listeners/--ramp (expected: one or the other)");
            }
            a = Arrivals.parse(arrivals);
        } else {
            a = Arrivals.ramp(listeners == null ? 100 : listeners, ramp == null ? Duration.ofSeconds(10) : ramp);
        }
        String[] churnParts = churn.trim().split("/", 2);
        double churnFraction = Fractions.parse(churnParts[0]);
        Duration churnPeriod = churnParts.length > 1 ? Durations.parse(churnParts[1]) : Duration.ofSeconds(60);
        RunSettings.Publish p;
        if (publish == null) {
            p = whep != null || media() == RunSettings.Media.NONE ? RunSettings.Publish.NONE : RunSettings.Publish.SYNTHETIC;
        } else {
            p = switch (publish.trim().toLowerCase(Locale.ROOT)) {
                case "synthetic" -> RunSettings.Publish.SYNTHETIC;
                case "none" -> RunSettings.Publish.NONE;
                default -> throw new IllegalArgumentException("publish: '" + publish + "' (expected: synthetic or none)");
            };
        }
        String key = performerKey != null ? performerKey : System.getenv("ENCORE_PERFORMER_KEY");
        String bearer = token != null ? token : System.getenv("ENCORE_TOKEN");
        return new RunSettings(target, show, whep, a, duration, churnFraction, churnPeriod, p, key, bearer, voters, requesters,
                decodeSample, Slo.parse(slo), report, eventLoops, dtlsThreads, media(), arguments());
    }

    private RunSettings.Media media() {
        return switch (media.trim().toLowerCase(Locale.ROOT)) {
            case "webrtc" -> RunSettings.Media.WEBRTC;
            case "none" -> RunSettings.Media.NONE;
            default -> throw new IllegalArgumentException("media: '" + media + "' (expected: webrtc or none)");
        };
    }

    /** The arguments as given, with secrets masked. */
    List<String> arguments() {
        List<String> args = new ArrayList<>();
        List<String> original = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        boolean maskNext = false;
        for (String arg : original) {
            if (maskNext) {
                args.add("****");
                maskNext = false;
            } else if (arg.equals("--performer-key") || arg.equals("--token")) {
                args.add(arg);
                maskNext = true;
            } else if (arg.startsWith("--performer-key=") || arg.startsWith("--token=")) {
                args.add(arg.substring(0, arg.indexOf('=') + 1) + "****");
            } else {
                args.add(arg);
            }
        }
        return args;
    }

    /** The jar's version (from its manifest when built by Maven) and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LoadTestCommand.class.getPackage().getImplementationVersion();
            return new String[] {"encore loadtest " + (v == null ? "dev" : v), "Java " + Runtime.version() + " ("
                    + System.getProperty("java.vendor") + ")"};
        }
    }

    /** {@code 10%} or {@code 0.1}: a fraction 0..1. */
    public static final class Fractions implements CommandLine.ITypeConverter<Double> {
        static double parse(String text) {
            String t = text == null ? "" : text.trim();
            try {
                double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
                if (v >= 0 && v <= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new IllegalArgumentException("'" + text + "' (expected: a fraction 0..1 or a percentage 0..100%, e.g. 10%)");
        }

        @Override
        public Double convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The standalone tool: {@code java -jar encore-loadtest.jar --target ... }. */
    public static void main(String[] args) {
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        if (System.getProperty("slf4j.provider") == null) {
            // The standalone jar has no logging backend: the tool prints what matters itself.
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
        CommandLine cli = new CommandLine(new LoadTestCommand());
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        System.exit(cli.execute(args));
    }
}
