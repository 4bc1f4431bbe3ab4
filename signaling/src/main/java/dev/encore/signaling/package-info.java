/**
 * The show channel (issue 4): a WebSocket per client at {@code /ws/{show}} for set list, song requests, polls and
 * reactions, over the {@link dev.encore.show.live.LiveShow} domain, with the show's events stored in SQLite.
 *
 * <ul>
 *   <li>{@link dev.encore.signaling.ShowChannel}: the entry point: start (restores each show from the store), the Netty
 *       handler the HTTP server mounts, {@code dispatch} for an HTTP API, close.</li>
 *   <li>{@code WebSocketUpgrade} → {@code ShowSocket}: the transport (handshake, frames, limits, hello, keepalive), on Netty
 *       event loops.</li>
 *   <li>{@code Wire}, {@code ClientMessage}, {@code ServerMessage}: the strict JSON protocol (docs/protocol.md).</li>
 *   <li>{@code ShowLoop}: one thread per show owning its {@code LiveShow}: commands, group commit then acks, coalesced
 *       broadcasts every tick.</li>
 *   <li>{@code EventStore}, {@code EventJson}: the event log (WAL, {@code synchronous=FULL}, numbered migrations).</li>
 * </ul>
 */
package dev.encore.signaling;
