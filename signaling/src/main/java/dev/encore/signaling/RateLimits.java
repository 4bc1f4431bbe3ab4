package dev.encore.signaling;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Flood limits of the show channel: a message bucket per connection, one per client address (shared by all its
 * connections, forgotten when its last one closes), and an "abuse" bucket per connection that refused messages drain: a
 * client that keeps flooding after being told ({@code rate_limited}) is disconnected. Thread-safe.
 *
 * @param perConnection burst and rate of one connection's messages
 * @param perAddress burst and rate of one address's messages, all connections together
 * @param abuse how many refused messages are forgiven (burst) and how fast (rate) before a disconnect
 */
record RateLimits(Limit perConnection, Limit perAddress, Limit abuse, LongSupplier nanoTime,
        ConcurrentHashMap<InetAddress, Address> addresses) {

    record Limit(double burst, double perSecond) {
    }

    /** One client address: its bucket and how many connections use it. Guarded by the map's compute. */
    static final class Address {
        final TokenBucket bucket;
        int connections;

        Address(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }

    /** 20 messages burst, 10/s per connection; 200 burst, 100/s per address; disconnect after 100 refused (5/s forgiven). */
    static RateLimits defaults() {
        return new RateLimits(new Limit(20, 10), new Limit(200, 100), new Limit(100, 5), System::nanoTime,
                new ConcurrentHashMap<>());
    }

    TokenBucket connectionBucket() {
        return new TokenBucket(perConnection.burst(), perConnection.perSecond(), nanoTime);
    }

    TokenBucket abuseBucket() {
        return new TokenBucket(abuse.burst(), abuse.perSecond(), nanoTime);
    }

    /** A connection from {@code address} opened: its shared bucket. */
    TokenBucket open(InetAddress address) {
        return addresses.compute(address, (a, entry) -> {
            Address e = entry == null ? new Address(new TokenBucket(perAddress.burst(), perAddress.perSecond(), nanoTime))
                    : entry;
            e.connections++;
            return e;
        }).bucket;
    }

    /** A connection from {@code address} closed. */
    void close(InetAddress address) {
        addresses.computeIfPresent(address, (a, e) -> --e.connections <= 0 ? null : e);
    }
}
