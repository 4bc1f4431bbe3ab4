package dev.encore.app;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A small route table: {@code METHOD /literal/{param}/...} templates, one path segment per parameter. HEAD is served by the
 * GET route of the same path. A route answers at once ({@link Handler}) or later ({@link AsyncHandler}: for work done on
 * another thread, so the HTTP event loop never waits). Immutable once built; safe to share between event loops.
 */
final class RouteTable {

    /** Handles one matched request; path parameters are already percent-decoded. */
    @FunctionalInterface
    interface Handler {
        FullHttpResponse handle(FullHttpRequest request, Map<String, String> params) throws Exception;
    }

    /**
     * Handles one matched request whose answer comes later: the future completes (on any thread) with the response, or
     * exceptionally as a {@link Handler} would throw. The request is released once this returns: read what is needed first.
     */
    @FunctionalInterface
    interface AsyncHandler {
        CompletableFuture<FullHttpResponse> handle(FullHttpRequest request, Map<String, String> params) throws Exception;
    }

    record Route(HttpMethod method, String template, List<String> segments, AsyncHandler handler) {
    }

    /** The outcome of matching a request: a route, a path with other methods (405), or nothing (404). */
    sealed interface Match permits Found, MethodNotAllowed, NotFound {
    }

    record Found(Route route, Map<String, String> params) implements Match {
    }

    record MethodNotAllowed(String template, Set<HttpMethod> allowed) implements Match {
    }

    record NotFound() implements Match {
    }

    private final List<Route> routes = new ArrayList<>();

    RouteTable add(HttpMethod method, String template, Handler handler) {
        requireNonNull(handler, "handler");
        return addAsync(method, template, (request, params) -> CompletableFuture.completedFuture(handler.handle(request, params)));
    }

    RouteTable addAsync(HttpMethod method, String template, AsyncHandler handler) {
        requireNonNull(method, "method");
        requireNonNull(template, "template");
        requireNonNull(handler, "handler");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template: " + template + " (expected: a path starting with /)");
        }
        routes.add(new Route(method, template, split(template), handler));
        return this;
    }

    /** The templates, in the order they were added, for "expected: ..." messages. */
    List<String> templates() {
        return routes.stream().map(Route::template).distinct().toList();
    }

    /**
     * Matches a raw (still percent-encoded) path, without the query string.
     *
     * @param decoder decodes one path segment; throws IllegalArgumentException for bad escapes
     */
    Match match(HttpMethod method, String rawPath, UnaryOperator<String> decoder) {
        if (!rawPath.startsWith("/")) {
            return new NotFound(); // "*" or an absolute URI: no route here
        }
        List<String> segments = split(rawPath);
        HttpMethod lookup = HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method;
        Set<HttpMethod> allowed = new LinkedHashSet<>();
        String pathTemplate = null;
        for (Route route : routes) {
            Map<String, String> params = bind(route.segments(), segments, decoder);
            if (params == null) {
                continue;
            }
            if (route.method().equals(lookup)) {
                return new Found(route, params);
            }
            pathTemplate = route.template();
            allowed.add(route.method());
            if (HttpMethod.GET.equals(route.method())) {
                allowed.add(HttpMethod.HEAD);
            }
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(pathTemplate, allowed);
    }

    private static Map<String, String> bind(List<String> template, List<String> path, UnaryOperator<String> decoder) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), decoder.apply(p));
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return params;
    }

    /** "/a/b/" → [a, b, ""]; "/" → [""]. A trailing slash is a distinct (empty) segment, so "/l/demo/" is not "/l/demo". */
    private static List<String> split(String path) {
        return List.of(path.substring(1).split("/", -1));
    }
}
