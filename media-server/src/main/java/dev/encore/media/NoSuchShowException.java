package dev.encore.media;

/** A request named a show this server does not have (HTTP 404). */
public final class NoSuchShowException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoSuchShowException(String showId) {
        super("no such show: " + showId);
    }
}
