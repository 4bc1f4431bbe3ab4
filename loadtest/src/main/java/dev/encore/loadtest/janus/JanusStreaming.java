package dev.encore.loadtest.janus;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.loadtest.client.SignalingTransport;
import dev.encore.loadtest.client.WhepResource;
import dev.encore.protocol.sdp.SdpException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter that lets the tool's WebRTC listeners watch a Janus streaming plugin mountpoint
 * (https://janus.conf.meetecho.com/docs/streaming.html): each listener gets a {@link SignalingTransport} from
 * {@link #transport()} whose "post" runs Janus's exchange, where Janus offers and the listener answers:
 * <ol>
 *   <li>create a session, attach {@code janus.plugin.streaming};</li>
 *   <li>{@code {"request":"watch","id":<mountpoint>}}; Janus answers asynchronously with an event carrying its JSEP offer,
 *       which the session's long poll picks up;</li>
 *   <li>{@code {"request":"start"}} with the answer {@link JanusSdp#answer} wrote from the listener's own offer (its ICE
 *       credentials and fingerprint), then hands the listener Janus's offer read as an answer
 *       ({@link JanusSdp#offerAsAnswer}).</li>
 * </ol>
 * The transport says {@link SignalingTransport#iceControlling() iceControlling() == false}: Janus, the offerer and a full
 * ICE agent, controls and nominates; the listener checks as the controlled agent and answers Janus's checks. While the
 * listener lives its session gets a keepalive every {@link #KEEPALIVE} (Janus drops sessions idle for 60 s); "delete"
 * destroys the session.
 *
 * <p>Thread-safe: one instance serves every listener of a run; it owns one scheduler thread (keepalives) and an
 * {@link HttpClient}. Close it after the listeners.
 */
public final class JanusStreaming implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JanusStreaming.class);
    static final String PLUGIN = "janus.plugin.streaming";
    /** Janus's default session timeout is 60 s; a keepalive every 25 s leaves room for a lost one. */
    static final Duration KEEPALIVE = Duration.ofSeconds(25);

    private final JanusApi api;
    private final long mountpoint;
    private final Duration offerTimeout;
    private final ScheduledExecutorService scheduler;
    private final Map<Long, ScheduledFuture<?>> keepalives = new ConcurrentHashMap<>();

    /**
     * @param base the Janus API root, e.g. {@code http://127.0.0.1:8088/janus}
     * @param mountpoint the streaming mountpoint id
     * @param requestTimeout per HTTP request
     * @param offerTimeout how long to wait for Janus's offer after "watch"
     */
    public JanusStreaming(URI base, long mountpoint, Duration requestTimeout, Duration offerTimeout) {
        requireNonNull(base, "base");
        this.mountpoint = mountpoint;
        this.offerTimeout = requireNonNull(offerTimeout, "offerTimeout");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.api = new JanusApi(http, base, requestTimeout);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encore-janus-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    /** A transport for one listener session (post once, delete once). */
    public SignalingTransport transport() {
        return new Transport();
    }

    /** Janus sessions currently kept alive (listeners that have signaled and not yet left). */
    public int liveSessions() {
        return keepalives.size();
    }

    @Override
    public void close() {
        keepalives.values().forEach(f -> f.cancel(false));
        keepalives.clear();
        scheduler.shutdownNow();
    }

    /** Runs the exchange; completes with the session's URL and Janus's offer read as an answer. */
    CompletableFuture<WhepResource> watch(String clientOffer) {
        long[] ids = new long[2];
        return api.createSession().thenCompose(session -> {
            ids[0] = session;
            return api.attach(session, PLUGIN);
        }).thenCompose(handle -> {
            ids[1] = handle;
            ObjectNode watch = JsonNodeFactory.instance.objectNode();
            watch.put("request", "watch");
            watch.put("id", mountpoint);
            return api.message(ids[0], handle, watch, null);
        }).thenCompose(sent -> awaitOffer(ids[0], ids[1], sent.transaction(), System.nanoTime() + offerTimeout.toNanos()))
                .thenCompose(janusOffer -> {
                    String answer;
                    try {
                        answer = JanusSdp.answer(janusOffer, clientOffer);
                    } catch (SdpException e) {
                        throw new CompletionException(new JanusException("cannot answer Janus's offer: " + e.getMessage(), e));
                    }
                    ObjectNode start = JsonNodeFactory.instance.objectNode();
                    start.put("request", "start");
                    ObjectNode jsep = JsonNodeFactory.instance.objectNode();
                    jsep.put("type", "answer");
                    jsep.put("sdp", answer);
                    jsep.put("trickle", false);
                    return api.message(ids[0], ids[1], start, jsep)
                            .thenApply(sent -> new WhepResource(api.sessionUri(ids[0]), JanusSdp.offerAsAnswer(janusOffer)));
                }).whenComplete((resource, error) -> {
                    if (error == null) {
                        startKeepalive(ids[0]);
                    } else if (ids[0] != 0) {
                        api.destroy(ids[0]).exceptionally(e -> null);
                    }
                });
    }

    /** Long-polls the session until the plugin's event with a JSEP offer arrives, or an error event, or the deadline. */
    private CompletableFuture<String> awaitOffer(long session, long handle, String transaction, long deadline) {
        if (System.nanoTime() - deadline > 0) {
            return CompletableFuture.failedFuture(new JanusException("no offer from Janus within " + offerTimeout.toMillis()
                    + " ms of 'watch' (expected: an event with jsep.type offer)"));
        }
        return api.poll(session, 10).thenCompose(events -> {
            String offer = offerIn(events, handle, transaction);
            return offer != null ? CompletableFuture.completedFuture(offer) : awaitOffer(session, handle, transaction, deadline);
        });
    }

    /** The offer SDP among {@code events}, null when none; an error from the plugin fails. */
    static String offerIn(List<JsonNode> events, long handle, String transaction) {
        for (JsonNode event : events) {
            if (event.path("sender").asLong() != handle) {
                continue;
            }
            JsonNode data = event.path("plugindata").path("data");
            if (data.has("error")) {
                throw new CompletionException(new JanusException("the streaming plugin refused: " + data.path("error_code").asInt()
                        + " " + data.path("error").asText()));
            }
            JsonNode jsep = event.path("jsep");
            if (jsep.path("type").asText().equals("offer") && jsep.path("sdp").isTextual()) {
                return jsep.path("sdp").asText();
            }
            if (event.path("janus").asText().equals("hangup")) {
                throw new CompletionException(new JanusException("Janus hung up before offering: " + event.path("reason").asText()));
            }
        }
        return null;
    }

    private void startKeepalive(long session) {
        long period = KEEPALIVE.toMillis();
        try {
            ScheduledFuture<?> task = scheduler.scheduleAtFixedRate(() -> api.keepalive(session).exceptionally(e -> {
                LOG.debug("keepalive of Janus session {} failed: {}", Long.toUnsignedString(session), e.toString());
                return null;
            }), period, period, TimeUnit.MILLISECONDS);
            keepalives.put(session, task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("closed: no keepalive for Janus session {}", Long.toUnsignedString(session));
        }
    }

    CompletableFuture<Integer> destroy(URI location) {
        String path = location.getPath();
        long session;
        try {
            session = Long.parseUnsignedLong(path.substring(path.lastIndexOf('/') + 1));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("location: " + location
                    + " (expected: <janus base>/<session id>)"));
        }
        ScheduledFuture<?> keepalive = keepalives.remove(session);
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        return api.destroy(session).thenApply(v -> 200);
    }

    /** One listener's view of the adapter. */
    private final class Transport implements SignalingTransport {
        @Override
        public CompletableFuture<WhepResource> post(String offerSdp) {
            return watch(requireNonNull(offerSdp, "offerSdp"));
        }

        @Override
        public CompletableFuture<Integer> delete(URI location) {
            return destroy(requireNonNull(location, "location"));
        }

        @Override
        public boolean iceControlling() {
            return false;
        }

        @Override
        public String toString() {
            return "janus " + api.base() + " mountpoint " + mountpoint;
        }
    }
}
