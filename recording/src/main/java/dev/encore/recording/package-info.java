/**
 * After the set (issue 7): the crash-safe Ogg Opus recording of the performer's packets with song chapters, the highlights
 * clip (MP4: H.264 title card by JCodec plus the set's Opus), and the post-show report.
 *
 * <p>The recording, in the order a packet travels: the media server's router hands each accepted performer packet, after
 * its fan-out, to a {@code PacketTap}; {@link dev.encore.recording.SetRecorder#onOpus} copies it into a bounded queue
 * (full: dropped and counted, never blocking); the recorder's thread puts it on the set's timeline
 * ({@code OpusTimeline}: RTP-timestamp order, holes filled with 20 ms silence packets) and into Ogg pages
 * ({@link dev.encore.recording.OggOpusWriter}: half a second a page, each written whole and forced to disk). Chapters go
 * to sidecars ({@code <name>.chapters.json}, {@code <name>.cue}) at each song start, and into the comment header at
 * close. {@link dev.encore.recording.OggOpusReader} reads a recording back (packets with their sample positions), for
 * tests and for cutting clips without decoding.
 */
package dev.encore.recording;
