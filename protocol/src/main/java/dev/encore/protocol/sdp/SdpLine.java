package dev.encore.protocol.sdp;

import static java.util.Objects.requireNonNull;

/**
 * One line of an SDP, {@code <type>=<value>} (RFC 8866 §5), with the number of the line it was read from (1-based; 0 for a
 * line that was not parsed). Immutable.
 *
 * @param number the line number in the parsed text, or 0
 * @param type the type letter, e.g. {@code 'a'}
 * @param value everything after the {@code '='}, exactly as written
 */
public record SdpLine(int number, char type, String value) {

    public SdpLine {
        requireNonNull(value, "value");
    }

    /** For an attribute line ({@code a=name:value} or {@code a=name}), the attribute name; otherwise null. */
    public String attributeName() {
        if (type != 'a') {
            return null;
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /**
     * For an attribute line, what follows the first {@code ':'}; an empty string for a property attribute such as
     * {@code a=rtcp-mux}; null for other lines.
     */
    public String attributeValue() {
        if (type != 'a') {
            return null;
        }
        int colon = value.indexOf(':');
        return colon < 0 ? "" : value.substring(colon + 1);
    }

    /** True if this is the attribute {@code name}. */
    public boolean isAttribute(String name) {
        if (type != 'a' || !value.startsWith(name)) {
            return false;
        }
        return value.length() == name.length() || value.charAt(name.length()) == ':';
    }

    /** The line as written in SDP, without the line end. Unlike {@link #toString()}, this includes secrets. */
    public String text() {
        return type + "=" + value;
    }

    /** The line text, with the value of {@code a=ice-pwd} masked: it is a secret (RFC 8445 §5.3). */
    @Override
    public String toString() {
        return isAttribute("ice-pwd") ? "a=ice-pwd:****" : text();
    }
}
