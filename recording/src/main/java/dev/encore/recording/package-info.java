/**
 * After the set (issue 7): the crash-safe Ogg Opus recording of the performer's packets with song chapters, the highlights
 * clip (MP4: H.264 title card by JCodec plus the set's Opus), and the post-show report.
 */
package dev.encore.recording;
