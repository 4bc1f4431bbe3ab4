package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadTestCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final LoadTestCommand command = new LoadTestCommand();

    private int run(String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void missingTargetIsAUsageErrorWithExitTwo() {
        assertThat(run("--show", "demo", "--publish", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("--target");
    }

    @Test
    void badValuesCannotRun() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--publish", "none", "--listeners", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("listeners: 0 (expected: >= 1)");
    }

    @Test
    void badOptionValuesExitTwoAndSayWhatIsExpected() {
        String[][] cases = {
            {"--ramp", "soon", "'soon'"},
            {"--arrivals", "storm:10", "expected: storm:N@WINDOW"},
            {"--voters", "150%", "expected: a fraction 0..1"},
            {"--slo", "ttfa.p99<1", "is a time"},
            {"--slo", "speed<1s", "unknown metric 'speed'"},
            {"--churn", "2", "expected: a fraction 0..1"},
        };
        for (String[] c : cases) {
            StringWriter e = new StringWriter();
            CommandLine cli = new CommandLine(new LoadTestCommand());
            cli.setOut(new PrintWriter(new StringWriter(), true));
            cli.setErr(new PrintWriter(e, true));
            int exit = cli.execute("--target", "http://127.0.0.1:1", "--show", "demo", "--publish", "none", c[0], c[1]);
            assertThat(exit).as(c[0] + " " + c[1]).isEqualTo(2);
            assertThat(e.toString()).as(c[0] + " " + c[1]).contains(c[2]);
        }
    }

    @Test
    void anUnknownPublishModeIsRefused() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--publish", "loud")).isEqualTo(2);
        assertThat(err.toString()).contains("publish: 'loud' (expected: synthetic or none)");
    }

    @Test
    void arrivalsExcludeListenersAndRamp() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--publish", "none", "--arrivals", "storm:10@1s",
                "--listeners", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("--arrivals with --listeners/--ramp (expected: one or the other)");
    }

    @Test
    void aSyntheticPerformerNeedsAKey() {
        // The environment of the test JVM has no ENCORE_PERFORMER_KEY (the build does not set it).
        assertThat(System.getenv("ENCORE_PERFORMER_KEY")).isNull();
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo")).isEqualTo(2);
        assertThat(err.toString()).contains("performer key: none (expected: --performer-key KEY or $ENCORE_PERFORMER_KEY");
    }

    @Test
    void whepExcludesPublishingAndVoting() {
        assertThat(run("--whep", "http://127.0.0.1:1/whep/x", "--voters", "10%")).isEqualTo(2);
        assertThat(err.toString()).contains("voters/requesters with --whep");
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new LoadTestCommand());
        cli.setErr(new PrintWriter(e, true));
        assertThat(cli.execute("--whep", "http://127.0.0.1:1/whep/x", "--publish", "synthetic", "--performer-key", "k")).isEqualTo(2);
        assertThat(e.toString()).contains("publish: synthetic with --whep");
    }

    @Test
    void mediaNoneIsForTheShowChannelOfAnEncoreTarget() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--media", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("media: none without voters or requesters (expected: --voters and/or --requesters");
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new LoadTestCommand());
        cli.setErr(new PrintWriter(e, true));
        assertThat(cli.execute("--whep", "http://127.0.0.1:1/whep/x", "--media", "none")).isEqualTo(2);
        assertThat(e.toString()).contains("media: none with --whep");
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--media", "radio")).isEqualTo(2);
        assertThat(err.toString()).contains("media: 'radio' (expected: webrtc or none)");

        new CommandLine(command).parseArgs("--target", "http://127.0.0.1:8080", "--show", "demo", "--media", "none",
                "--voters", "100%", "--performer-key", "k");
        RunSettings s = command.settings();
        assertThat(s.media()).isEqualTo(RunSettings.Media.NONE);
        // No audio to measure, so no synthetic performer unless asked for.
        assertThat(s.publish()).isEqualTo(RunSettings.Publish.NONE);
    }

    @Test
    void optionsBecomeSettingsWithSecretsMasked() {
        new CommandLine(command).parseArgs("--target", "http://127.0.0.1:8080", "--show", "demo", "--arrivals", "storm:2000@10s",
                "--duration", "45s", "--churn", "10%/30s", "--performer-key", "sekrit-key", "--token=sekrit-token", "--voters",
                "50%", "--requesters", "0.1", "--slo", "ttfa.p99<1s,loss<0.1%", "--report", "out");
        RunSettings s = command.settings();
        assertThat(s.arrivals().shape()).isEqualTo(Arrivals.Shape.STORM);
        assertThat(s.listeners()).isEqualTo(2000);
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.churn()).isEqualTo(0.1);
        assertThat(s.churnPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.publish()).isEqualTo(RunSettings.Publish.SYNTHETIC);
        assertThat(s.performerKey()).isEqualTo("sekrit-key");
        assertThat(s.voters()).isEqualTo(0.5);
        assertThat(s.requesters()).isEqualTo(0.1);
        assertThat(s.media()).isEqualTo(RunSettings.Media.WEBRTC);
        assertThat(s.slo().objectives()).hasSize(2);
        assertThat(s.showChannel()).hasToString("ws://127.0.0.1:8080/ws/demo");
        assertThat(s.commandLine()).contains("--performer-key ****", "--token=****").doesNotContain("sekrit");
        assertThat(s.toString()).doesNotContain("sekrit");
    }

    @Test
    void defaultsAreARampOfAHundredAndTheFirstVersionsObjectives() {
        new CommandLine(command).parseArgs("--whep", "http://127.0.0.1:8080/whep/demo");
        RunSettings s = command.settings();
        assertThat(s.arrivals()).hasToString("ramp:100@10s");
        assertThat(s.publish()).isEqualTo(RunSettings.Publish.NONE);
        assertThat(s.slo()).hasToString(LoadTestCommand.DEFAULT_SLO);
        assertThat(s.decodeSample()).isEqualTo(0.01);
    }

    @Test
    void helpNamesTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--target", "--whep", "--arrivals", "--churn", "--publish", "--performer-key",
                "--voters", "--requesters", "--slo", "--report", "Exit codes");
    }

    @Test
    void unreachableServerCannotRunAndSaysWhy() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int exit = run("--target", "http://127.0.0.1:" + closedPort, "--show", "demo", "--listeners", "2", "--ramp", "0s",
                "--duration", "1s", "--token", "do-not-print-me", "--performer-key", "nor-me", "--event-loops", "1",
                "--dtls-threads", "1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("could not run", "unreachable").doesNotContain("do-not-print-me", "nor-me");
        assertThat(out.toString()).doesNotContain("do-not-print-me", "nor-me");
    }

    @Test
    void aWhepEndpointThatRefusesEveryoneCannotRun() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int exit = run("--whep", "http://127.0.0.1:" + closedPort + "/whep/x", "--listeners", "2", "--ramp", "0s",
                "--duration", "1s", "--event-loops", "1", "--dtls-threads", "1");
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).contains("COULD NOT RUN", "unreachable=2");
    }
}
