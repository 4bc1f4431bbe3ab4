package dev.encore.app;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The show feeds a component subscribed to, closed together when it closes. Thread-safe. */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private final List<AutoCloseable> open = new ArrayList<>();

    synchronized void add(AutoCloseable subscription) {
        open.add(subscription);
    }

    /** Closes every subscription (a failure is logged at DEBUG: the feed is going away anyway). */
    synchronized void closeAll() {
        for (AutoCloseable subscription : open) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing: {}", e.toString());
            }
        }
        open.clear();
    }
}
