package dev.encore.app;

import dev.encore.show.ShowConfig;
import dev.encore.show.ShowFileException;
import dev.encore.show.ShowFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code encore serve --show FILE...}: serves the shows described by show files. */
@Command(name = "serve", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Main.Version.class,
        description = "Serve one or more shows described by show files (YAML).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--show", paramLabel = "FILE", required = true, description = "a show file (repeat for more shows)")
    List<Path> showFiles = new ArrayList<>();

    @Mixin
    ServerOptions server = new ServerOptions();

    @Spec
    CommandSpec spec;

    /** Where {@code ${NAME}} values in show files come from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ShowConfig> shows;
        try {
            shows = load(showFiles, env);
        } catch (ShowFileException e) {
            err.println("encore: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        return ServerRunner.run(server, shows, err, running -> {
            out.println();
            for (ShowConfig show : shows) {
                out.println("  " + show.title() + ":  " + running.listenerUrl(show.id()) + AccessOptions.tokenHint(show));
            }
            out.println();
            out.flush();
            return null;
        });
    }

    /** Loads every file; a missing file or two shows with one id are show file errors too. */
    static List<ShowConfig> load(List<Path> files, Map<String, String> env) throws ShowFileException {
        List<ShowConfig> shows = new ArrayList<>();
        Map<String, Path> ids = new HashMap<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new ShowFileException(file + ": no such file (expected: a show file, YAML)");
            }
            ShowConfig show = ShowFiles.load(file, env);
            Path previous = ids.putIfAbsent(show.id(), file);
            if (previous != null) {
                throw new ShowFileException(file + ": id: '" + show.id() + "' is already used by " + previous
                        + " (expected: a unique id per show)");
            }
            shows.add(show);
        }
        return shows;
    }
}
