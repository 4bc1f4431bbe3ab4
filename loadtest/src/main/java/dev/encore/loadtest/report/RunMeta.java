package dev.encore.loadtest.report;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What was run, against what, when and on which machine.
 *
 * @param toolVersion the tool's version
 * @param commandLine the arguments the tool was started with (secrets such as the performer key already masked)
 * @param target the server URL (Encore base URL or WHEP endpoint)
 * @param show the show id; empty when loading a bare WHEP endpoint
 * @param startedAt wall-clock start of the run; second 0 of {@link Sample#second()} and the .hlog start time
 * @param duration how long the run lasted
 * @param machine the machine the tool ran on
 */
public record RunMeta(String toolVersion, List<String> commandLine, String target, String show, Instant startedAt,
        Duration duration, Machine machine) {

    public RunMeta {
        requireNonNull(toolVersion, "toolVersion");
        commandLine = List.copyOf(requireNonNull(commandLine, "commandLine"));
        requireNonNull(target, "target");
        requireNonNull(show, "show");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(duration, "duration");
        requireNonNull(machine, "machine");
    }

    /**
     * The machine the tool ran on.
     *
     * @param cores available processors
     * @param os operating system name, version and architecture
     * @param java Java runtime version and vendor
     */
    public record Machine(int cores, String os, String java) {

        public Machine {
            requireNonNull(os, "os");
            requireNonNull(java, "java");
        }

        /** This JVM's machine. */
        public static Machine current() {
            return new Machine(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                    System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        }
    }
}
