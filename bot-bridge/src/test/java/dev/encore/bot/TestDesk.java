package dev.encore.bot;

import dev.encore.show.live.SetPhase;
import dev.encore.show.live.ShowRuleException;
import dev.encore.signaling.RequestReceipt;
import dev.encore.signaling.ShowFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A show desk that records requests and answers them as told. Thread-safe. */
class TestDesk implements ShowDesk {
    record Request(String showId, String listenerId, String title) {
    }

    private final List<Request> requests = new ArrayList<>();
    private final List<ShowFeed> feeds = new ArrayList<>();
    private RequestReceipt receipt = new RequestReceipt(1, 1, 1, false);
    private ShowRuleException refusal;
    private NowPlaying now = new NowPlaying(SetPhase.NOT_STARTED, null, -1, 3);

    synchronized void answer(RequestReceipt next) {
        receipt = next;
        refusal = null;
    }

    synchronized void refuse(ShowRuleException next) {
        refusal = next;
    }

    synchronized void playing(NowPlaying next) {
        now = next;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized List<ShowFeed> feeds() {
        return List.copyOf(feeds);
    }

    @Override
    public synchronized AutoCloseable subscribe(String showId, ShowFeed feed) {
        feeds.add(feed);
        return () -> {
            synchronized (this) {
                feeds.remove(feed);
            }
        };
    }

    @Override
    public synchronized CompletableFuture<RequestReceipt> submitRequest(String showId, String listenerId, String title) {
        requests.add(new Request(showId, listenerId, title));
        return refusal != null ? CompletableFuture.failedFuture(refusal) : CompletableFuture.completedFuture(receipt);
    }

    @Override
    public synchronized CompletableFuture<NowPlaying> nowPlaying(String showId) {
        return CompletableFuture.completedFuture(now);
    }
}
