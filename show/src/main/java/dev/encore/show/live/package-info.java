/**
 * The live side of one show run (issue 4): set list, song requests, polls, reactions and presence, as a pure, sans-I/O
 * domain model. {@link dev.encore.show.live.LiveShow} is the entry point; the WebSocket channel and the Telegram bridge
 * call its commands, broadcast its {@link dev.encore.show.live.ShowEvent}s and render its
 * {@link dev.encore.show.live.ShowState} snapshots; the database stores the events and
 * {@link dev.encore.show.live.LiveShow#replay} rebuilds the show from them after a crash.
 *
 * <p>Nothing here opens a socket, starts a thread or reads a clock: time comes in as {@code Instant now} parameters, and
 * time-driven changes (a poll's time limit, the end of a reaction second) happen on the next command or
 * {@link dev.encore.show.live.LiveShow#tick}. The channel should tick a few times a second.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Every change is an event, and state changes only by applying events, so replay gives back the same show by
 *       construction. Rules (rate limits, bounds) are checked when a command is decided, never on replay.</li>
 *   <li>One poll at a time: opening a poll while one is open is refused ({@code poll_already_open}), not a silent close.
 *       Votes name their poll, so a late vote for a closed poll is refused rather than counted in the next one.</li>
 *   <li>Asking for a song already in the queue is an upvote. A song accepted (on its way) or dismissed cannot be asked for
 *       again; a played one can (an encore is a new request). A song coming up on the set list is refused.</li>
 *   <li>Reactions are not events one by one: each second with reactions becomes one burst event.</li>
 *   <li>Authorization (who is the performer) is the channel's job; nothing here checks it.</li>
 * </ul>
 */
package dev.encore.show.live;
