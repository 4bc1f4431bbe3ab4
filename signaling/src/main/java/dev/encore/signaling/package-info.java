/**
 * The show's WebSocket channel: set list, song requests and live polls (issue 4). Nothing lives here yet.
 */
package dev.encore.signaling;
