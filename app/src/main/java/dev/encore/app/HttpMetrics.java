package dev.encore.app;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * The app's own HTTP counters and the process's CPU and memory ({@code process_cpu_seconds_total}, ...: the load tool reads
 * the server's CPU from it), in a registry of its own (the media server has another). Thread-safe.
 */
final class HttpMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    HttpMetrics() {
        ProcessMetrics.builder().register(registry);
    }

    private final Counter requests = Counter.builder()
            .name("encore_http_requests_total")
            .help("HTTP requests answered, by method, route template and status code")
            .labelNames("method", "route", "code")
            .register(registry);

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    void record(String method, String route, int code) {
        // Clients choose the method token: bound the label's values.
        String label = METHODS.contains(method) ? method : "OTHER";
        requests.labelValues(label, route, Integer.toString(code)).inc();
    }

    PrometheusRegistry registry() {
        return registry;
    }
}
