package dev.encore.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadTestCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new LoadTestCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void missingTargetIsAUsageErrorWithExitTwo() {
        assertThat(run("--show", "demo")).isEqualTo(2);
        assertThat(err.toString()).contains("--target");
    }

    @Test
    void badValuesCannotRun() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--listeners", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("listeners: 0 (expected: >= 1)");
    }

    @Test
    void badDurationIsRefused() {
        assertThat(run("--target", "http://127.0.0.1:1", "--show", "demo", "--ramp", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon'");
    }

    @Test
    void nonHttpTargetIsRefused() {
        assertThat(run("--target", "udp://127.0.0.1:1", "--show", "demo")).isEqualTo(2);
        assertThat(err.toString()).contains("expected: an http:// or https:// URL");
    }

    @Test
    void helpNamesTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--listeners", "--ramp", "--duration", "--token");
    }

    @Test
    void unreachableServerCannotRunAndSaysWhy() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int exit = run("--target", "http://127.0.0.1:" + closedPort, "--show", "demo", "--listeners", "2", "--ramp", "0s",
                "--duration", "1s", "--token", "do-not-print-me", "--event-loops", "1", "--dtls-threads", "1");
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).contains("connected 0/2", "0 / 2", "WHEP_IO=2", "COULD NOT RUN")
                .doesNotContain("do-not-print-me");
    }

    @Test
    void evenRampSpacing() {
        assertThat(ListenerLoad.startTime(100, 1000, 4, 0)).isEqualTo(100);
        assertThat(ListenerLoad.startTime(100, 1000, 4, 2)).isEqualTo(600);
        assertThat(ListenerLoad.startTime(100, 1000, 1, 0)).isEqualTo(100);
    }
}
