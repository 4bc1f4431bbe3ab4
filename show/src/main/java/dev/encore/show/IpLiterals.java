package dev.encore.show;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals, checked by hand: {@link InetAddress#getByName} would look up anything that is not a literal in DNS,
 * and loading a show file must never touch the network. Stateless.
 */
final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private IpLiterals() {
    }

    /** Whether {@code text} is a dotted-quad IPv4 or an RFC 4291 section 2.2 IPv6 text address (no zone id, no brackets). */
    static boolean isLiteral(String text) {
        return IPV4.matcher(text).matches() || isIpv6(text);
    }

    /** Whether the literal is a loopback address (127.0.0.0/8 or ::1). Only call with {@link #isLiteral} text. */
    static boolean isLoopback(String literal) {
        if (!isLiteral(literal)) {
            throw new IllegalArgumentException("not an IP literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress(); // a checked literal: parsed, never resolved
        } catch (UnknownHostException e) {
            throw new IllegalStateException("checked literal rejected: " + literal, e);
        }
    }

    // https://www.rfc-editor.org/rfc/rfc4291#section-2.2
    private static boolean isIpv6(String text) {
        if (text.indexOf(':') < 0) {
            return false;
        }
        int groupsWanted = 8;
        String head = text;
        int dot = text.indexOf('.');
        if (dot >= 0) { // x:x:x:x:x:x:d.d.d.d
            int lastColon = text.lastIndexOf(':');
            if (lastColon > dot || !IPV4.matcher(text.substring(lastColon + 1)).matches()) {
                return false;
            }
            head = text.substring(0, lastColon + 1) + "0"; // stand-in so the head ends with a group; counts as the last 2
            groupsWanted = 7;
        }
        int gap = head.indexOf("::");
        if (gap >= 0 && head.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        if (gap < 0) {
            return groups(head) == groupsWanted;
        }
        String left = head.substring(0, gap);
        String right = head.substring(gap + 2);
        int leftGroups = left.isEmpty() ? 0 : groups(left);
        int rightGroups = right.isEmpty() ? 0 : groups(right);
        return leftGroups >= 0 && rightGroups >= 0 && leftGroups + rightGroups < groupsWanted;
    }

    /** The number of ':'-separated hex groups, or -1 when one is malformed. */
    private static int groups(String part) {
        String[] split = part.split(":", -1);
        for (String group : split) {
            if (!HEX_GROUP.matcher(group).matches()) {
                return -1;
            }
        }
        return split.length;
    }
}
