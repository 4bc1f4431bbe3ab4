package dev.encore.bot.telegram.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Bot API request's parameters the way Telegram accepts them: the query string, then a body that is
 * {@code application/x-www-form-urlencoded}, {@code application/json} (nested objects kept as JSON text, like a form field
 * holding JSON) or {@code multipart/form-data} (file parts kept apart).
 */
final class FakeRequestParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An uploaded file part. */
    record FilePart(String name, String fileName, String contentType, byte[] bytes) {
    }

    /** The request's parameters, in arrival order, and its file parts. */
    record Parsed(Map<String, String> params, List<FilePart> files) {
    }

    private FakeRequestParser() {
    }

    static Parsed parse(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        List<FilePart> files = new ArrayList<>();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            parseForm(query, params);
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (body.length == 0) {
            return new Parsed(params, files);
        }
        if (type.startsWith("application/json")) {
            parseJson(body, params);
        } else if (type.startsWith("multipart/form-data")) {
            parseMultipart(body, boundary(contentType), params, files);
        } else {
            parseForm(new String(body, StandardCharsets.ISO_8859_1), params);
        }
        return new Parsed(params, files);
    }

    private static void parseForm(String form, Map<String, String> params) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    private static void parseJson(byte[] body, Map<String, String> params) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("JSON body is not an object (expected: {\"chat_id\":…})");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                params.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
        }
    }

    private static String boundary(String contentType) throws IOException {
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                return b.startsWith("\"") && b.endsWith("\"") ? b.substring(1, b.length() - 1) : b;
            }
        }
        throw new IOException("multipart body without a boundary (expected: multipart/form-data; boundary=…)");
    }

    // https://www.rfc-editor.org/rfc/rfc7578 (multipart/form-data)
    private static void parseMultipart(byte[] body, String boundary, Map<String, String> params, List<FilePart> files)
            throws IOException {
        // ISO-8859-1 maps bytes to chars one to one, so indexes in the string are indexes in the body.
        String raw = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        int at = raw.indexOf(delimiter);
        if (at < 0) {
            throw new IOException("multipart body without its boundary");
        }
        while (true) {
            int partStart = at + delimiter.length();
            if (raw.startsWith("--", partStart)) {
                return;
            }
            partStart = raw.indexOf("\r\n", partStart) + 2;
            int next = raw.indexOf("\r\n" + delimiter, partStart);
            if (next < 0) {
                throw new IOException("multipart body without a closing boundary");
            }
            int headersEnd = raw.indexOf("\r\n\r\n", partStart);
            if (headersEnd < 0 || headersEnd > next) {
                throw new IOException("multipart part without headers");
            }
            String name = null;
            String fileName = null;
            String partType = null;
            for (String header : raw.substring(partStart, headersEnd).split("\r\n")) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-disposition:")) {
                    name = attribute(header, "name");
                    fileName = attribute(header, "filename");
                } else if (lower.startsWith("content-type:")) {
                    partType = header.substring("content-type:".length()).trim();
                }
            }
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next);
            if (name != null) {
                if (fileName != null) {
                    files.add(new FilePart(name, fileName, partType, content));
                } else {
                    params.put(name, new String(content, StandardCharsets.UTF_8));
                }
            }
            at = next + 2;
        }
    }

    private static String attribute(String header, String attribute) {
        for (String piece : header.split(";")) {
            String p = piece.trim();
            if (p.startsWith(attribute + "=")) {
                String v = p.substring(attribute.length() + 1);
                return v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }
}
