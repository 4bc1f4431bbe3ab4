package dev.encore.app;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page from an HTML template on the classpath with two placeholders: {@code {{title}}} (HTML-escaped) and
 * {@code {{show-json}}}, a small JSON block the page's script reads (the listener page {@code /l/{show}}, the performer
 * console {@code /p/{show}}). Immutable; thread-safe.
 */
final class PageTemplate {
    static final String LISTENER = "/dev/encore/app/listener.html";
    static final String PERFORMER = "/dev/encore/app/performer.html";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(title|show-json)}}");

    private final String template;

    PageTemplate(String resource) {
        requireNonNull(resource, "resource");
        try (InputStream in = PageTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("page template: " + resource + " is missing (expected: on the classpath)");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param title plain text, escaped here
     * @param json a JSON document, made safe here for a {@code <script type="application/json">} element
     */
    String render(String title, String json) {
        // Inside <script type="application/json">, only "</" could end the element early.
        String safeData = json.replace("<", "\\u003c");
        // One pass, so a title that contains a placeholder is never expanded.
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder page = new StringBuilder(template.length() + 256);
        while (m.find()) {
            m.appendReplacement(page, Matcher.quoteReplacement(m.group(1).equals("title") ? escapeHtml(title) : safeData));
        }
        return m.appendTail(page).toString();
    }

    static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
