package dev.encore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The extension's detector really sees a buffer that was never released (and this test takes the blame off itself). */
class LeakDetectionExtensionTest {

    @Test
    void recordsALeakedBuffer() throws Exception {
        LeakDetectionExtension.drainLeaks();
        leak();
        boolean seen = false;
        for (int i = 0; i < 20 && !seen; i++) {
            System.gc();
            Thread.sleep(10);
            PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
            seen = LeakDetectionExtension.drainLeaks().stream().anyMatch(l -> l.startsWith("LEAK: ByteBuf"));
        }
        assertThat(seen).isTrue();
    }

    private static void leak() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeInt(42);
    }
}
