/**
 * The post-show report (issue 7): figures of one show run computed from its {@link dev.encore.show.live.ShowEvent}s
 * ({@link dev.encore.recording.report.ShowReport#of}), saved as JSON, and summarised for the staff chat.
 */
package dev.encore.recording.report;
