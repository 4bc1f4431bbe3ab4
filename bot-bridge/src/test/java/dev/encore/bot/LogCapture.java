package dev.encore.bot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log line (message, exception messages and stack traces) at DEBUG while open. */
final class LogCapture implements AutoCloseable {
    private static final String[] LOGGERS = {"dev.encore", "com.pengrad", "okhttp3"};
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Level> previous = new ArrayList<>();

    LogCapture() {
        for (String name : LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previous.add(logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        appender.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    }

    /** Everything logged so far, as text. */
    String text() {
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(appender.list)) {
            out.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                out.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    out.append(frame.getSTEAsString()).append('\n');
                }
            }
        }
        return out.toString();
    }

    int lines() {
        return appender.list.size();
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        appender.stop();
        for (int i = 0; i < LOGGERS.length; i++) {
            ((Logger) LoggerFactory.getLogger(LOGGERS[i])).setLevel(previous.get(i));
        }
    }
}
