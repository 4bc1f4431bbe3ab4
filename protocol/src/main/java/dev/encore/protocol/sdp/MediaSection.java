package dev.encore.protocol.sdp;

import java.util.List;

/**
 * One media section of an SDP (RFC 8866 §5.14): its {@code m=} line, read into fields, and the lines after it, in order.
 * Immutable.
 */
public final class MediaSection {
    private final SdpLine mLine;
    private final String type;
    private final int port;
    private final int portCount;
    private final String protocol;
    private final List<String> formats;
    private final List<SdpLine> lines;

    MediaSection(SdpLine mLine, String type, int port, int portCount, String protocol, List<String> formats, List<SdpLine> lines) {
        this.mLine = mLine;
        this.type = type;
        this.port = port;
        this.portCount = portCount;
        this.protocol = protocol;
        this.formats = List.copyOf(formats);
        this.lines = List.copyOf(lines);
    }

    /** The {@code m=} line itself. */
    public SdpLine mLine() {
        return mLine;
    }

    /** The media type: {@code audio}, {@code video}, {@code application}, ... */
    public String type() {
        return type;
    }

    /** The port; 0 marks a rejected (or bundle-only) section (RFC 3264 §6, RFC 8843 §6). */
    public int port() {
        return port;
    }

    /** The number of ports after a {@code /} in the m= line, or -1 when absent. */
    public int portCount() {
        return portCount;
    }

    /** The transport protocol as written, e.g. {@code UDP/TLS/RTP/SAVPF}. */
    public String protocol() {
        return protocol;
    }

    /** The media formats (RTP payload types for RTP protocols), in the offered order of preference. */
    public List<String> formats() {
        return formats;
    }

    /** The lines after the {@code m=} line, in order. */
    public List<SdpLine> lines() {
        return lines;
    }

    /** The value of the first attribute {@code name} ({@code ""} for a property attribute), or null if absent. */
    public String attribute(String name) {
        return SessionDescription.attribute(lines, name);
    }

    /** Every attribute line {@code name}, in order. */
    public List<SdpLine> attributes(String name) {
        return SessionDescription.attributes(lines, name);
    }

    /** True if the section has the attribute {@code name}. */
    public boolean hasAttribute(String name) {
        return attribute(name) != null;
    }

    /** The section's {@code a=mid} (RFC 5888 §4), or null. */
    public String mid() {
        return attribute("mid");
    }

    @Override
    public String toString() {
        return "MediaSection[" + mLine.text() + ", " + lines.size() + " lines]";
    }
}
