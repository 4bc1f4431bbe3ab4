package dev.encore.media;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * One event loop's share of the media port: its {@code SO_REUSEPORT} channel. Listeners whose checks arrived on this
 * channel are served (encrypted and written) by this loop, and each batch is flushed once so the kernel sees one
 * {@code sendmmsg}.
 *
 * <p>Thread: immutable; {@link #scratch} may be used only on {@link #loop()}.
 */
final class FanoutShard {
    /** Big enough for the largest packet we relay plus SRTP overhead. */
    static final int SCRATCH_SIZE = 2048;

    private final int index;
    private final Channel channel;
    private final byte[] scratch = new byte[SCRATCH_SIZE];

    FanoutShard(int index, Channel channel) {
        this.index = index;
        this.channel = channel;
    }

    int index() {
        return index;
    }

    Channel channel() {
        return channel;
    }

    EventLoop loop() {
        return channel.eventLoop();
    }

    /** A buffer for encrypting one packet at a time; only on this shard's event loop. */
    byte[] scratch() {
        return scratch;
    }
}
