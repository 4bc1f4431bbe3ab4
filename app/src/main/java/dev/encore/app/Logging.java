package dev.encore.app;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes java.util.logging (ice4j, jitsi) to SLF4J, and so to logback. */
final class Logging {
    private Logging() {
    }

    static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
