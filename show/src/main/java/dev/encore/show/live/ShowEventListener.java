package dev.encore.show.live;

/**
 * Receives a {@link LiveShow}'s events as they happen, on the thread that owns the show. Every event reaches it, including
 * those of an automatic poll close that came before a command which was then refused. It must not call back into the show.
 */
@FunctionalInterface
public interface ShowEventListener {

    ShowEventListener NONE = event -> { };

    void onEvent(ShowEvent event);
}
