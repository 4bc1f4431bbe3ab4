/**
 * The highlights clip (issue 7): a span of the set's Ogg Opus recording carried, without re-encoding, into an MP4 next to an
 * H.264 title card made with JCodec. Entry point: {@link dev.encore.recording.clip.ClipRenderer}.
 */
package dev.encore.recording.clip;
