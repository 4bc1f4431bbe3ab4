/**
 * The SFU: one UDP port for every WebRTC peer, a router per show, WHEP listener sessions, WHIP publisher sessions and (S)RTP
 * ingest ports.
 *
 * <h2>Where to start reading</h2>
 * <ul>
 *   <li>{@link dev.encore.media.MediaPacketHandler}: the whole packet path of the media port, stage by stage (guard →
 *       classify → STUN / DTLS / SRTCP / RTP), and the drop reasons ({@code DropReason}).</li>
 *   <li>{@code ShowRouter}: validate → rate-limit → renumber into the show's one outgoing stream ({@code OutgoingStream}) →
 *       sharded fan-out (per event loop: copy, set the listener's Opus payload type, SRTP-protect, write; flush once).</li>
 *   <li>{@code PeerSession} / {@code PeerTable}: ICE-lite state, addresses learned only from authenticated checks, consent
 *       (RFC 7675) and setup timeouts; {@code DtlsHandshakes}: the bounded DTLS pool.</li>
 *   <li>WHIP ({@code MediaWhipService}, {@code Producer}): a publisher's session is a {@code PeerSession} like a listener's;
 *       once connected its SRTP comes in on the media port, is checked (its Opus payload type and SSRC only) and routed
 *       like the ingest port's packets. The newest publisher of a show wins; {@code OutgoingStream} keeps listeners
 *       continuous across publishers and ingest methods; {@code IncomingStats} gives {@link dev.encore.media.Router#status()}
 *       its loss, jitter and bit rate.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Media event loops (epoll, one {@code SO_REUSEPORT} channel each; NIO: one): receive, answer STUN, feed DTLS,
 *       read RTCP, and serve the fan-out of the listeners whose nomination arrived on their channel.</li>
 *   <li>DTLS pool ({@code encore-dtls-N}, 4 × cores and at least 8, bounded queue, 10 s timeout): BouncyCastle's blocking handshakes.</li>
 *   <li>Callers: {@link dev.encore.media.Router#feed} from the app's performer thread, {@link dev.encore.media.WhepService}
 *       and {@link dev.encore.media.WhipService} from HTTP threads. Shared tables are concurrent maps; each stateful class
 *       says which thread owns what.</li>
 * </ul>
 */
package dev.encore.media;
