package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, version, and start-up errors that stop before any server starts. */
class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: encore").contains("demo").contains("serve").contains("loadtest")
                .contains("--version");
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        assertThat(run()).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).contains("Usage: encore");
    }

    @Test
    void serveHelpListsItsOptions() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--show=FILE").contains("--http-port=PORT").contains("--media-port=PORT")
                .contains("--announce-ip=IP").contains("--data-dir=DIR").contains("--bind=ADDRESS").contains("default: 8080");
    }

    @Test
    void demoHelp() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: encore demo").contains("--http-port=PORT");
    }

    @Test
    void versionNamesTheBuild() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("encore 0.").doesNotContain("${project.version}").doesNotContain("unknown");
    }

    @Test
    void serveWithoutShowIsAUsageError() {
        assertThat(run("serve")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing required option: '--show=FILE'");
    }

    @Test
    void missingShowFileExits2WithTheName(@TempDir Path dir) {
        Path missing = dir.resolve("rooftop.yaml");
        assertThat(run("serve", "--show", missing.toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("encore: " + missing + ": no such file (expected: a show file, YAML)\n");
    }

    @Test
    void badShowFileExits2WithTheShowFileMessageAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rooftop.yaml");
        Files.writeString(file, """
                id: rooftop-3
                title: "Rooftop"
                performer:
                  key: abcdefghijklmnopqrstuvwxyz
                access:
                  mode: open
                audio:
                  bitrate: loud
                  stereo: true
                """);
        assertThat(run("serve", "--show", file.toString(), "--http-port", "0", "--media-port", "0", "--bind", "127.0.0.1"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).startsWith("encore: ").contains("rooftop.yaml").contains("audio.bitrate")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}
