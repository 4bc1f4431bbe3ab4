package dev.encore.app;

import dev.encore.loadtest.LoadTestCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The one {@code main}: {@code encore demo}, {@code encore serve}, {@code encore token}, {@code encore clip}, and
 * {@code encore loadtest} (from the loadtest module).
 */
@Command(name = "encore", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Main.Version.class,
        description = "Encore: live audio for micro-concerts. Opus in, WebRTC out.",
        subcommands = {DemoCommand.class, ServeCommand.class, TokenCommand.class, ClipCommand.class, LoadTestCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code for a bad show file or bad options. */
    static final int EXIT_USAGE = 2;
    /** Exit code for a server that could not start. */
    static final int EXIT_STARTUP = 1;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        // Before anything can create an ice4j Agent: it would probe a cloud metadata address otherwise.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        Logging.install();
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the command line and returns the exit code; the serving commands return once the server has stopped. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    /** The version from the build (version.properties, filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"encore " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }

        static String version() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/dev/encore/app/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return p.getProperty("version", "unknown");
        }
    }
}
