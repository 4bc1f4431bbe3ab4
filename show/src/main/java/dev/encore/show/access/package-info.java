/**
 * Who may listen (issue 3): signed join tokens and capacity admission. Pure Java, no I/O except {@link
 * dev.encore.show.access.ServerSecret}'s secret file.
 *
 * <ul>
 *   <li>{@link dev.encore.show.access.ServerSecret}: the HMAC secret (explicit value, else {@code <data-dir>/secret.key}).</li>
 *   <li>{@link dev.encore.show.access.TokenAuthority}: mints and verifies {@link dev.encore.show.access.JoinToken}s;
 *       refusals are {@link dev.encore.show.access.TokenException}s with a reason (HTTP 401, or 403 for another show).</li>
 *   <li>{@link dev.encore.show.access.Seats}: at most N listeners at once, V seats kept for VIPs; a refusal carries a
 *       retry-after (HTTP 503).</li>
 * </ul>
 * A WHEP request for a show in {@code TOKEN} mode is checked in that order: verify the Bearer token, then take a seat for
 * its tier, and release the seat when the listener's session ends (or its setup fails).
 */
package dev.encore.show.access;
