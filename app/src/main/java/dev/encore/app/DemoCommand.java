package dev.encore.app;

import dev.encore.media.Router;
import dev.encore.show.ShowConfig;
import java.io.PrintWriter;
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
        ShowConfig show = DemoShow.config();
        return ServerRunner.run(server, List.of(show), spec.commandLine().getErr(), running -> {
            Router router = running.router(show.id()).orElseThrow(() -> new IllegalStateException(
                    "show " + show.id() + " has no router (expected: one per show)"));
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
            out.println("  The set moves to the next song every " + DemoShow.SONG_LENGTH.toSeconds() + " s; the Telegram bot runs as a");
            out.println("  dry run (no token): what it would post to the group is in the log.");
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
