/**
 * The Telegram Bot API side: announcements, timed purchase links, {@code /request} from the group (issue 5). Nothing lives here
 * yet.
 */
package dev.encore.bot;
