package dev.encore.loadtest.client;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A set of listener sessions on one {@link ClientRuntime}, for tests and the load tool: starts them, counts them, closes them
 * all. Thread-safe.
 */
public final class ListenerGroup implements AutoCloseable {
    private final ClientRuntime runtime;
    private final List<WebRtcListener> listeners = new CopyOnWriteArrayList<>();

    public ListenerGroup(ClientRuntime runtime) {
        this.runtime = requireNonNull(runtime, "runtime");
    }

    public ClientRuntime runtime() {
        return runtime;
    }

    /** Creates a listener, starts joining, and keeps it in the group. */
    public WebRtcListener join(ListenerConfig config) {
        WebRtcListener listener = WebRtcListener.create(runtime, config);
        listeners.add(listener);
        listener.connect();
        return listener;
    }

    /** A copy of the list, in order of joining. */
    public List<WebRtcListener> listeners() {
        return new ArrayList<>(listeners);
    }

    public int size() {
        return listeners.size();
    }

    /** Sessions connected now (SRTP keys ready and not failed or closed since). */
    public int connectedCount() {
        return (int) listeners.stream().filter(l -> l.state() == WebRtcListener.State.CONNECTED).count();
    }

    public int failedCount() {
        return (int) listeners.stream().filter(l -> l.state() == WebRtcListener.State.FAILED).count();
    }

    /** A future completing when every session has connected or failed. */
    public CompletableFuture<Void> settled() {
        return CompletableFuture.allOf(listeners.stream()
                .map(l -> l.connect().handle((ok, error) -> null))
                .toArray(CompletableFuture[]::new));
    }

    /** Closes every session (WHEP DELETE each); completes when all are done. */
    public CompletableFuture<Void> closeAll() {
        return CompletableFuture.allOf(listeners.stream().map(WebRtcListener::closeAsync).toArray(CompletableFuture[]::new));
    }

    /** Closes every session, waiting up to 10 s for the DELETEs. Does not close the runtime. */
    @Override
    public void close() {
        try {
            closeAll().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // best effort: the server's consent timer removes sessions we could not delete
        }
    }
}
