package dev.encore.bot;

import static java.util.Objects.requireNonNull;

import dev.encore.show.live.SetPhase;
import dev.encore.show.live.ShowState;
import dev.encore.signaling.RequestReceipt;
import dev.encore.signaling.ShowChannel;
import dev.encore.signaling.ShowFeed;
import java.util.concurrent.CompletableFuture;

/**
 * What the bridge needs from the live show: its committed events, song requests, what is playing. The server's is
 * {@link #of(ShowChannel)}; tests use their own. Implementations are thread-safe.
 */
public interface ShowDesk {

    /**
     * Feeds the show's committed events to {@code feed}: the current run's history first, then each batch (see
     * {@link ShowFeed}). Closing the handle stops the feed.
     */
    AutoCloseable subscribe(String showId, ShowFeed feed);

    /**
     * A song request by {@code listenerId}; completes once stored, or exceptionally with a
     * {@link dev.encore.show.live.ShowRuleException} when the show's rules refuse it.
     */
    CompletableFuture<RequestReceipt> submitRequest(String showId, String listenerId, String title);

    /** Where the set is and what is playing. */
    CompletableFuture<NowPlaying> nowPlaying(String showId);

    /**
     * The set's phase and its current song.
     *
     * @param title the song playing, or null before the first song
     * @param index its place in the set list, from 0 (or -1)
     * @param songs how many songs the set list has
     */
    record NowPlaying(SetPhase phase, String title, int index, int songs) {
        public NowPlaying {
            requireNonNull(phase, "phase");
        }
    }

    /** The show channel as the bridge's desk. */
    static ShowDesk of(ShowChannel channel) {
        requireNonNull(channel, "channel");
        return new ShowDesk() {
            @Override
            public AutoCloseable subscribe(String showId, ShowFeed feed) {
                return channel.subscribe(showId, feed);
            }

            @Override
            public CompletableFuture<RequestReceipt> submitRequest(String showId, String listenerId, String title) {
                return channel.submitRequest(showId, listenerId, title);
            }

            @Override
            public CompletableFuture<NowPlaying> nowPlaying(String showId) {
                return channel.publicSnapshot(showId).thenApply(ShowDesk::nowPlaying);
            }
        };
    }

    private static NowPlaying nowPlaying(ShowState state) {
        ShowState.Song song = state.nowPlaying();
        return new NowPlaying(state.phase(), song == null ? null : song.title(), song == null ? -1 : song.index(),
                state.setList().size());
    }
}
