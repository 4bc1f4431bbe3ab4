package dev.encore.protocol.sdp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed SDP (RFC 8866): session-level lines and media sections, each keeping its lines in order so that an encode of a
 * parse gives the same text back. Bounded: a description over 64 KiB, 1,000 lines or 32 media sections is refused.
 *
 * <p>The parser checks the grammar of every line (RFC 8866 §9): the type letter, the fixed {@code v=}, {@code o=},
 * {@code s=} opening, the fields of {@code o=}, {@code c=}, {@code b=}, {@code t=} and {@code m=}, and the name of every
 * attribute. Attribute values are left to whoever reads them ({@link WebRtcSdp}). Immutable; safe to share.
 */
public final class SessionDescription {
    /** Most bytes (UTF-8) accepted: a browser's offer with audio, video and data is 5 to 10 KiB. */
    public static final int MAX_BYTES = 64 * 1024;
    /** Most lines accepted. */
    public static final int MAX_LINES = 1_000;
    /** Most media sections accepted. */
    public static final int MAX_MEDIA = 32;

    private static final String KNOWN_TYPES = "vosiuepcbtrzkam";
    /** Types that may only appear before the first m= line (RFC 8866 §5). */
    private static final String SESSION_ONLY_TYPES = "vosueptrz";

    private final List<SdpLine> sessionLines;
    private final List<MediaSection> media;

    private SessionDescription(List<SdpLine> sessionLines, List<MediaSection> media) {
        this.sessionLines = List.copyOf(sessionLines);
        this.media = List.copyOf(media);
    }

    /**
     * Parses SDP text ({@code \r\n} or {@code \n} line ends).
     *
     * @throws SdpException naming the line and what was expected
     */
    public static SessionDescription parse(String text) throws SdpException {
        requireNonNull(text, "text");
        List<String> rawLines = splitLines(text);
        if (rawLines.isEmpty()) {
            throw new SdpException("SDP is empty (expected: a session description starting with v=0)");
        }
        List<SdpLine> session = new ArrayList<>();
        List<MediaSection> media = new ArrayList<>();
        SdpLine currentM = null;
        MLine currentFields = null;
        List<SdpLine> currentLines = new ArrayList<>();
        boolean sawTime = false;
        for (int i = 0; i < rawLines.size(); i++) {
            int number = i + 1;
            SdpLine line = readLine(number, rawLines.get(i));
            checkPosition(line, currentM != null);
            switch (line.type()) {
                case 'v' -> checkVersion(line);
                case 'o' -> checkOrigin(line);
                case 'c' -> checkConnection(line);
                case 'b' -> checkBandwidth(line);
                case 't' -> {
                    checkTime(line);
                    sawTime = true;
                }
                case 'a' -> checkAttribute(line);
                default -> {
                    // s, i, u, e, p, r, z, k, m: free text, or checked below (m)
                }
            }
            if (line.type() == 'm') {
                if (!sawTime) {
                    throw SdpException.atLine(line, "comes before any t= line", "t=<start> <stop> (usually t=0 0) before the first m=");
                }
                if (currentM != null) {
                    media.add(section(currentM, currentFields, currentLines));
                }
                if (media.size() == MAX_MEDIA) {
                    throw SdpException.atLine(line, "starts media section " + (MAX_MEDIA + 1),
                            "at most " + MAX_MEDIA + " media sections");
                }
                currentFields = readMediaLine(line);
                currentM = line;
                currentLines = new ArrayList<>();
            } else if (currentM != null) {
                currentLines.add(line);
            } else {
                session.add(line);
            }
        }
        if (session.size() < 3) {
            SdpLine last = session.get(session.size() - 1);
            throw SdpException.atLine(last, "ends the session description early", "v=, o= and s= lines first (RFC 8866 §5)");
        }
        if (!sawTime) {
            throw new SdpException("SDP has no t= line (expected: t=<start> <stop>, usually t=0 0, at session level)");
        }
        if (currentM != null) {
            media.add(section(currentM, currentFields, currentLines));
        }
        return new SessionDescription(session, media);
    }

    /** The description as SDP text with {@code \r\n} line ends. */
    public String encode() {
        StringBuilder out = new StringBuilder(1024);
        for (SdpLine line : sessionLines) {
            out.append(line.text()).append("\r\n");
        }
        for (MediaSection section : media) {
            out.append(section.mLine().text()).append("\r\n");
            for (SdpLine line : section.lines()) {
                out.append(line.text()).append("\r\n");
            }
        }
        return out.toString();
    }

    /** The session-level lines ({@code v=} to the last line before the first {@code m=}), in order. */
    public List<SdpLine> sessionLines() {
        return sessionLines;
    }

    /** The media sections, in order. */
    public List<MediaSection> media() {
        return media;
    }

    /** The value of the first session-level attribute {@code name} ({@code ""} for a property attribute), or null. */
    public String attribute(String name) {
        return attribute(sessionLines, name);
    }

    /** Every session-level attribute line {@code name}, in order. */
    public List<SdpLine> attributes(String name) {
        return attributes(sessionLines, name);
    }

    /** True if the session level has the attribute {@code name}. */
    public boolean hasAttribute(String name) {
        return attribute(name) != null;
    }

    @Override
    public String toString() {
        return "SessionDescription[" + sessionLines.size() + " session lines, " + media.size() + " media sections]";
    }

    static String attribute(List<SdpLine> lines, String name) {
        for (SdpLine line : lines) {
            if (line.isAttribute(name)) {
                return line.attributeValue();
            }
        }
        return null;
    }

    static List<SdpLine> attributes(List<SdpLine> lines, String name) {
        List<SdpLine> found = new ArrayList<>(2);
        for (SdpLine line : lines) {
            if (line.isAttribute(name)) {
                found.add(line);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Splits into lines at {@code \n}, dropping one {@code \r} before it; blank lines at the very end are dropped. Enforces
     * the size and line-count bounds before doing any other work.
     */
    private static List<String> splitLines(String text) throws SdpException {
        if (text.length() > MAX_BYTES) {
            throw new SdpException("SDP is over " + MAX_BYTES + " bytes long (expected: at most " + MAX_BYTES + " bytes)");
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        if (bytes > MAX_BYTES) {
            throw new SdpException("SDP is " + bytes + " bytes long (expected: at most " + MAX_BYTES + " bytes)");
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (lines.size() == MAX_LINES) {
                throw new SdpException("SDP has more than " + MAX_LINES + " lines (expected: at most " + MAX_LINES + " lines)");
            }
            lines.add(text.substring(start, contentEnd));
            start = newline < 0 ? text.length() : newline + 1;
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static SdpLine readLine(int number, String raw) throws SdpException {
        if (raw.isEmpty()) {
            throw SdpException.atLine(number, raw, "is an empty line", "<type>=<value> on every line");
        }
        char type = raw.charAt(0);
        if (raw.length() < 2 || raw.charAt(1) != '=' || type < 'a' || type > 'z') {
            throw SdpException.atLine(number, raw, "is not an SDP line", "<type>=<value>: one lower-case letter, '=', the value");
        }
        for (int i = 2; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                String what = c == '\r' ? "has a carriage return that does not end the line" : "has a control character";
                throw SdpException.atLine(number, raw, what, "printable text; lines end with CRLF");
            }
        }
        if (KNOWN_TYPES.indexOf(type) < 0) {
            throw SdpException.atLine(number, raw, "has an unknown type '" + type + "'", "one of v o s i u e p c b t r z k a m");
        }
        return new SdpLine(number, type, raw.substring(2));
    }

    /** v=, o=, s= open the description in that order; session-only types never follow an m= line (RFC 8866 §5). */
    private static void checkPosition(SdpLine line, boolean inMedia) throws SdpException {
        int number = line.number();
        char type = line.type();
        if (number <= 3) {
            char wanted = "vos".charAt(number - 1);
            if (type != wanted) {
                throw SdpException.atLine(line, "is out of place", "line " + number + " to be the " + wanted + "= line (RFC 8866 §5)");
            }
            return;
        }
        if (type == 'v' || type == 'o' || type == 's') {
            throw SdpException.atLine(line, "repeats a " + type + "= line", "v=, o= and s= once, on lines 1 to 3");
        }
        if (inMedia && SESSION_ONLY_TYPES.indexOf(type) >= 0) {
            throw SdpException.atLine(line, "is a session-level line inside a media section",
                    type + "= lines before the first m= line");
        }
    }

    private static void checkVersion(SdpLine line) throws SdpException {
        if (!line.value().equals("0")) {
            throw SdpException.atLine(line, "has an unsupported version", "v=0");
        }
    }

    /** {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>} (RFC 8866 §5.2). */
    private static void checkOrigin(SdpLine line) throws SdpException {
        String[] f = fields(line.value());
        if (f.length != 6) {
            throw SdpException.atLine(line, "has " + f.length + " fields",
                    "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>");
        }
        if (!isDigits(f[1], 20) || !isDigits(f[2], 20)) {
            throw SdpException.atLine(line, "has a bad session id or version", "decimal numbers of at most 20 digits");
        }
    }

    /** {@code c=<nettype> <addrtype> <connection-address>} (RFC 8866 §5.7). */
    private static void checkConnection(SdpLine line) throws SdpException {
        String[] f = fields(line.value());
        if (f.length != 3 || !isToken(f[0]) || !isToken(f[1])) {
            throw SdpException.atLine(line, "is not a connection line", "c=IN IP4 <address> or c=IN IP6 <address>");
        }
    }

    /** {@code b=<bwtype>:<bandwidth>} (RFC 8866 §5.8). */
    private static void checkBandwidth(SdpLine line) throws SdpException {
        String value = line.value();
        int colon = value.indexOf(':');
        if (colon <= 0 || !isToken(value.substring(0, colon)) || !isDigits(value.substring(colon + 1), 10)) {
            throw SdpException.atLine(line, "is not a bandwidth line", "b=<bwtype>:<kbps>, e.g. b=AS:128");
        }
    }

    /** {@code t=<start-time> <stop-time>} (RFC 8866 §5.9). */
    private static void checkTime(SdpLine line) throws SdpException {
        String[] f = fields(line.value());
        if (f.length != 2 || !isDigits(f[0], 20) || !isDigits(f[1], 20)) {
            throw SdpException.atLine(line, "is not a timing line", "t=<start> <stop> as decimal numbers, e.g. t=0 0");
        }
    }

    /** {@code a=<attribute-name>[:<value>]}, the name a token (RFC 8866 §5.13, §9). */
    private static void checkAttribute(SdpLine line) throws SdpException {
        if (!isToken(line.attributeName())) {
            throw SdpException.atLine(line, "has a bad attribute name", "a=<name> or a=<name>:<value>, the name made of token characters");
        }
    }

    /** The fields of {@code m=<media> <port>[/<number of ports>] <proto> <fmt> ...} (RFC 8866 §5.14). */
    private record MLine(String media, int port, int portCount, String protocol, List<String> formats) {
    }

    private static MLine readMediaLine(SdpLine line) throws SdpException {
        String[] f = fields(line.value());
        if (f.length < 4) {
            throw SdpException.atLine(line, "has " + f.length + " fields", "m=<media> <port> <proto> <fmt> ... with at least one format");
        }
        if (!isToken(f[0])) {
            throw SdpException.atLine(line, "has a bad media type", "a token such as audio, video or application");
        }
        String portText = f[1];
        int portCount = -1;
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            String countText = portText.substring(slash + 1);
            portText = portText.substring(0, slash);
            if (!isDigits(countText, 5) || Integer.parseInt(countText) < 1 || Integer.parseInt(countText) > 65535) {
                throw SdpException.atLine(line, "has a bad number of ports", "<port>/<count> with count 1..65535");
            }
            portCount = Integer.parseInt(countText);
        }
        if (!isDigits(portText, 5) || Integer.parseInt(portText) > 65535) {
            throw SdpException.atLine(line, "has a bad port", "0..65535");
        }
        for (int i = 2; i < f.length; i++) {
            if (!isFormatOrProto(f[i])) {
                throw SdpException.atLine(line, "has a bad " + (i == 2 ? "protocol" : "format") + " '" + f[i] + "'",
                        i == 2 ? "a protocol such as UDP/TLS/RTP/SAVPF" : "a format such as an RTP payload type 0..127");
            }
        }
        List<String> formats = List.of(f).subList(3, f.length);
        return new MLine(f[0], Integer.parseInt(portText), portCount, f[2], formats);
    }

    private static MediaSection section(SdpLine mLine, MLine fields, List<SdpLine> lines) {
        return new MediaSection(mLine, fields.media(), fields.port(), fields.portCount(), fields.protocol(), fields.formats(), lines);
    }

    /** Space-separated fields; runs of spaces count as one separator. */
    static String[] fields(String value) {
        String trimmed = value.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split(" +");
    }

    static boolean isDigits(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 8866 §9 token: visible ASCII except the separators. */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`{|}~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A token, or several joined with '/' (proto, e.g. UDP/TLS/RTP/SAVPF; fmt is a token). */
    private static boolean isFormatOrProto(String s) {
        for (String part : s.split("/", -1)) {
            if (!isToken(part)) {
                return false;
            }
        }
        return true;
    }
}
