package dev.encore.loadtest.report;

/** HTML text escaping for {@code report.html} (element content and quoted attribute values alike). */
final class Html {

    private Html() {
    }

    /** {@code s} with {@code & < > " '} replaced by character references; null becomes the empty string. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
