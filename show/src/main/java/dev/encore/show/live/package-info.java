/**
 * The live side of one show run (issue 4): set list, song requests, polls, reactions and presence, as a pure, sans-I/O
 * domain model. {@link dev.encore.show.live.LiveShow} is the entry point; the WebSocket channel and the Telegram bridge
 * call its commands, broadcast its {@link dev.encore.show.live.ShowEvent}s and render its
 * {@link dev.encore.show.live.ShowState} snapshots; the database stores the events and
 * {@link dev.encore.show.live.LiveShow#replay} rebuilds the show from them after a crash.
 *
 * <p>Nothing here opens a socket, starts a thread or reads a clock: time comes in as {@code Instant now} parameters.
 */
package dev.encore.show.live;
