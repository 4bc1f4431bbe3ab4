package dev.encore.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Datagrams the kernel dropped because a socket's receive buffer was full, summed over given local ports, from Linux's
 * {@code /proc/net/udp} and {@code /proc/net/udp6} (the {@code drops} column). With the tool and the server on one
 * machine, the host-wide {@code RcvbufErrors} cannot say whose sockets overflowed; the tool's own ports can: a drop there
 * is loss the tool caused, not the server.
 *
 * <p>Stateless; reads the files on each call.
 */
final class SocketDrops {
    static final List<Path> PROC_FILES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private SocketDrops() {
    }

    /** Drops on the sockets bound to {@code ports}, or -1 when no file could be read (not Linux). */
    static long sum(Set<Integer> ports, List<Path> files) {
        long total = 0;
        boolean read = false;
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException | SecurityException e) {
                continue;
            }
            read = true;
            total += sumLines(ports, lines);
        }
        return read ? total : -1;
    }

    /** The same over the lines of one file (its header line is skipped; malformed lines are ignored). */
    static long sumLines(Set<Integer> ports, List<String> lines) {
        long total = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 13) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            try {
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                if (colon > 0 && ports.contains(port)) {
                    total += Long.parseLong(f[f.length - 1]);
                }
            } catch (NumberFormatException e) {
                // not a socket line
            }
        }
        return total;
    }
}
