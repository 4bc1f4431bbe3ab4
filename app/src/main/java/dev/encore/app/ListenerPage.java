package dev.encore.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.encore.show.ShowConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The listener page {@code /l/{show}}: an HTML template from the classpath with the show's title and a small JSON block
 * (id, title, WHEP URL) that {@code /assets/listener.js} reads. Immutable; thread-safe.
 */
final class ListenerPage {
    private static final String TEMPLATE = "/dev/encore/app/listener.html";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(title|show-json)}}");

    private final String template;

    ListenerPage() {
        try (InputStream in = ListenerPage.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("listener page template: " + TEMPLATE + " is missing (expected: on the classpath)");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render(ShowConfig show, ObjectMapper json) throws JsonProcessingException {
        String data = json.writeValueAsString(json.createObjectNode()
                .put("id", show.id())
                .put("title", show.title())
                .put("whep", "/whep/" + show.id()));
        // Inside <script type="application/json">, only "</" could end the element early.
        String safeData = data.replace("<", "\\u003c");
        // One pass, so a title that contains a placeholder is never expanded.
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder page = new StringBuilder(template.length() + 256);
        while (m.find()) {
            m.appendReplacement(page, Matcher.quoteReplacement(m.group(1).equals("title") ? escapeHtml(show.title()) : safeData));
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
