package dev.encore.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test class during which Netty reported a leaked {@code ByteBuf} (or any other tracked resource).
 *
 * <p>Registered for every test by {@code META-INF/services/org.junit.jupiter.api.extension.Extension} with
 * {@code junit.jupiter.extensions.autodetection.enabled=true}, set for every module by the root pom's surefire configuration.
 * It lives in the protocol test-jar, which every module that uses Netty has on its test class path. Loading this class
 * installs a {@link ResourceLeakDetectorFactory} whose detectors record leaks instead of only logging them; JUnit loads extensions
 * before any test touches a buffer, so every detector Netty creates is ours. After each test class, garbage is collected and
 * a few buffers are allocated so that Netty polls its reference queue and reports what was collected unreleased; any leak
 * reported so far fails that class, with Netty's access records in the message (they are not logged separately). A leak
 * surfacing late is blamed on the class running when it was detected.
 *
 * <p>The root pom runs tests with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class LeakDetectionExtension implements AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /** Leaks reported so far and not yet blamed on a test class. */
    public static synchronized List<String> drainLeaks() {
        List<String> copy = List.copyOf(LEAKS);
        LEAKS.clear();
        return copy;
    }

    private static synchronized void record(String report) {
        LEAKS.add(report);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            // Detection happens when a tracked resource is created: allocate (and release) a few to poll the queue.
            for (int j = 0; j < 16; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                ByteBuf c = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
                a.release();
                b.release();
                c.release();
            }
        }
        List<String> leaks = drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (no records)");
        }
    }
}
