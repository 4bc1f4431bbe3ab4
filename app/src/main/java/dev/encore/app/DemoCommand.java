package dev.encore.app;

import dev.encore.media.Router;
import dev.encore.show.ShowConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code encore demo}: a server with the built-in demo show and a synthetic performer playing music. */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 110, versionProvider = Main.Version.class,
        description = "Start a server with a built-in demo show (id 'demo') and a synthetic performer, then open the printed link.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server = new ServerOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ShowConfig show;
        try {
            show = DemoShow.config(DemoShow.performerKey(server.dataDir));
        } catch (IOException e) {
            spec.commandLine().getErr().println("encore demo: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        return ServerRunner.run(server, List.of(show), spec.commandLine().getErr(), running -> {
            Router router = running.router(show.id()).orElseThrow(() -> new IllegalStateException(
                    "show " + show.id() + " has no router (expected: one per show)"));
            Path keyFile;
            try {
                keyFile = DemoShow.keepPerformerKey(server.dataDir, show.performerKey()).toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the demo's performer key in " + server.dataDir, e);
            }
            SyntheticPerformer performer = DemoShow.startPerformer(show, router);
            AutoCloseable setDriver = DemoShow.startSetDriver(running.showChannel(), DemoShow.SONG_LENGTH);
            String url = running.listenerUrl(show.id());
            String rule = "=".repeat(Math.max(64, url.length() + 8));
            out.println();
            out.println(rule);
            out.println("  Encore demo is live. Open this link and tap \"Tap to listen\":");
            out.println();
            out.println("    " + url);
            out.println();
            String base = url.substring(0, url.indexOf("/l/"));
            long setMinutes = DemoShow.SONG_LENGTH.multipliedBy(DemoShow.SONGS.size()).toMinutes();
            out.println("  The set moves to the next song every " + DemoShow.SONG_LENGTH.toSeconds() + " s and ends after "
                    + DemoShow.SONGS.size() + " songs (about " + setMinutes + " min).");
            out.println("  The Telegram bot runs as a dry run (no token): what it would post is in the log.");
            out.println("  After the set: the report at " + base + "/p/" + show.id() + "/report, and the highlights clip");
            out.println("  the bot posts. Performer console: " + base + "/p/" + show.id());
            out.println("  (its key is in " + keyFile + ").");
            out.println("  Ctrl-C stops the server.");
            out.println(rule);
            out.println();
            out.flush();
            return () -> {
                setDriver.close();
                performer.close();
            };
        });
    }
}
