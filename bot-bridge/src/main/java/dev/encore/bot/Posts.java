package dev.encore.bot;

import dev.encore.show.Drop;
import dev.encore.show.live.DropCloseReason;
import dev.encore.show.live.SetPhase;
import dev.encore.show.live.ShowRuleException;
import dev.encore.signaling.RequestReceipt;

/**
 * What the bot says, in one place: plain text (Telegram gets no parse mode, so nothing here needs escaping). Stateless.
 */
final class Posts {
    /** The button of the announcement. */
    static final String LISTEN_BUTTON = "Tap to listen";
    /** The button of a drop. */
    static final String BUY_BUTTON = "Buy";
    /** How much of a typed title a reply quotes. */
    private static final int QUOTE = 80;

    private Posts() {
    }

    static String announcement(String showTitle) {
        return "🎶 " + showTitle + " is live — tap to listen";
    }

    /** A drop as posted; {@code quantity} is -1 without a counter. */
    static String drop(Drop drop, int quantity) {
        return quantity >= 0 ? drop.text() + " — " + quantity + " left" : drop.text();
    }

    static String count(Drop drop, int remaining) {
        return drop.text() + " — " + remaining + " left";
    }

    static String closed(Drop drop, DropCloseReason reason) {
        return drop.text() + (reason == DropCloseReason.SOLD_OUT ? " — sold out" : " — offer closed");
    }

    static String thanks(String showTitle) {
        return "🙏 Thank you for listening to " + showTitle + "! The set has ended — see you at the next show.";
    }

    /** A message for the crew in the staff chat. */
    static String alert(String showId, String what) {
        return "⚠️ Encore, show " + showId + ": " + what;
    }

    /** The post-show report's summary for the staff chat, with the link to the whole report. */
    static String report(String summary, String reportUrl) {
        return "📊 After the set: " + summary + "\nThe whole report: " + reportUrl;
    }

    /**
     * The highlights clip's caption: the show and the song, then the post-show offer's text (its title and price, as the
     * show file words it) when there is one.
     */
    static String clipCaption(String showTitle, String songTitle, Drop offer) {
        String head = songTitle == null || songTitle.isBlank() ? "🎬 Tonight's highlight from " + showTitle
                : "🎬 Tonight's highlight from " + showTitle + ": “" + clip(songTitle) + "”";
        return offer == null ? head : head + "\n\n" + offer.text();
    }

    static String usage() {
        return "Usage: /request <song title>";
    }

    static String requestTaken(String title, RequestReceipt receipt) {
        String quoted = "“" + clip(title) + "”";
        return receipt.merged()
                ? "+1 for " + quoted + ", #" + receipt.rank() + " in the queue (" + receipt.votes() + " votes)"
                : quoted + " added, #" + receipt.rank() + " in the queue";
    }

    /** A refused request, in plain words (the rule's code decides; its message is for developers). */
    static String requestRefused(String title, ShowRuleException refusal) {
        String quoted = "“" + clip(title) + "”";
        return switch (refusal.refusal()) {
            case TITLE_INVALID -> "That title doesn't look right (1 to 80 characters of plain text, please).";
            case SET_NOT_STARTED -> "The set hasn't started yet — try again once it has.";
            case SET_ENDED -> "The set has ended — thanks for listening!";
            case RATE_LIMITED -> "One new request at a time, please — try again in a little while.";
            case TOO_MANY_OPEN -> "You have the most open requests allowed — wait until one of them is played.";
            case QUEUE_FULL -> "The request queue is full right now.";
            case ALREADY_VOTED -> "You already asked for " + quoted + ".";
            case ALREADY_IN_SET -> quoted + " is coming up in the set anyway.";
            case ALREADY_ACCEPTED -> "The performer already said yes to " + quoted + ".";
            case REQUEST_DISMISSED -> "The performer passed on " + quoted + " tonight.";
            default -> "Sorry, that request can't be taken right now.";
        };
    }

    static String nowPlaying(ShowDesk.NowPlaying now) {
        if (now.phase() == SetPhase.NOT_STARTED) {
            return "The set hasn't started yet.";
        }
        if (now.phase() == SetPhase.ENDED) {
            return "The set has ended — thanks for listening!";
        }
        if (now.title() == null) {
            return "The set is about to begin.";
        }
        return "Now playing: " + now.title() + " (" + (now.index() + 1) + "/" + now.songs() + ")";
    }

    /** At most {@value #QUOTE} code points of user text. */
    static String clip(String text) {
        if (text.codePointCount(0, text.length()) <= QUOTE) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, QUOTE - 1)) + "…";
    }
}
