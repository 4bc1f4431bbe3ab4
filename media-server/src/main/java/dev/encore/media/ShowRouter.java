package dev.encore.media;

import dev.encore.protocol.rtcp.RtcpCodec;
import dev.encore.protocol.rtcp.SenderReport;
import dev.encore.protocol.rtp.RtpPacket;
import dev.encore.protocol.srtp.SrtpSession;
import dev.encore.show.ShowConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * One show's router: takes the performer's Opus RTP (from {@link #feed}, the (S)RTP ingest port or the WHIP publisher),
 * renumbers it once into the show's {@link OutgoingStream}, and fans it out to every consumer. Whatever the performer
 * reconnects with (another WHIP session, another ingest method), listeners keep one continuous stream.
 *
 * <p>Fan-out is sharded per event loop: the renumbered packet is handed to each loop that serves at least one of this
 * show's consumers; that loop copies it per consumer (with the consumer's Opus payload type), protects the copy with the
 * consumer's SRTP keys, writes it on its own channel and flushes once. The last loop to finish records the server-added
 * delay and releases the packet. A consumer's first packet written is its listener's first audio: the loop tells the
 * {@link FirstAudioListener} and records the time to first audio (see {@link Slot#deliver}).
 *
 * <p>The newest WHIP publisher wins: {@link #publisherConnected} makes a producer the show's publisher and closes the
 * previous one's session; the packet path drops what a replaced publisher still sends.
 *
 * <p>Threads: {@link #route} may be called from any thread (the app's performer thread, the ingest loop, a media loop);
 * the stream, the rate limiter and the incoming statistics are guarded by {@code this}. Each {@link Slot}'s consumer list
 * belongs to its shard's loop. The current publisher is an atomic reference.
 */
final class ShowRouter implements Router, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShowRouter.class);
    /** Payload type of the shared copy; each consumer's copy gets the consumer's negotiated Opus payload type. */
    static final int DEFAULT_OPUS_PT = 111;
    static final int MAX_RTP_LENGTH = 1500;
    /** Performer packets may use up to this many times the show's bitrate before the excess is dropped. */
    static final int RATE_LIMIT_FACTOR = 4;
    static final long ONLINE_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long SENDER_REPORT_MILLIS = 1000;
    /**
     * A shard that reaches a packet this long after it came in skips it ({@link DropReason#FANOUT_LATE}). Only an overloaded
     * loop gets that far behind; working through such a backlog would keep it from reading its socket (STUN consent checks,
     * DTLS, RTCP) until the receive buffer overflows and sessions die of lost consent. Audio a second late is of no use to
     * a listener's jitter buffer. (500 ms also cut copies during short stalls on a busy shared machine.)
     */
    static final long LATE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The join guard: when the fan-out's delay (a packet's arrival to its last copy written), averaged over the last ~16
     * packets (an exponentially weighted mean, about a third of a second of audio), is above this, the router refuses new
     * listeners ({@link #refusesListeners}) for {@link #GUARD_HOLD_NANOS}: the audience already in keeps its delay instead
     * of every listener hearing it grow (a 3,500-listener ramp on two shared cores went on to 0.85 s p50 and lost joins to
     * timeouts). A short stall (a GC pause, the JIT at start) moves the mean little. {@code -Dencore.media.joinGuardMillis=N};
     * 0 turns the guard off.
     */
    static final long GUARD_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("encore.media.joinGuardMillis", 250));
    /** The weight of each packet's delay in the mean: 1/2^shift. */
    static final int GUARD_MEAN_SHIFT = 4;
    /** How long the guard stays up after the last late packet. */
    static final long GUARD_HOLD_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How the performer's packets came in, as {@link RouterStatus#ingest()} names it. */
    enum Ingest {
        WHIP("whip"), RTP("rtp"), FEED("feed");

        private final String label;

        Ingest(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final String showId;
    private final ShowConfig show;
    private final MediaMetrics metrics;
    private final MediaMetrics.ShowCounters counters;
    private final LongSupplier nanoClock;
    private final FirstAudioListener firstAudio;
    private final OutgoingStream stream;
    private final TokenBucket bucket;
    private final Slot[] slots;
    private final AtomicInteger consumerCount = new AtomicInteger();
    private final Set<Consumer> consumers = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> reportTasks = new ArrayList<>();
    private final AtomicReference<Producer> publisher = new AtomicReference<>();
    private final AtomicInteger publisherSessions = new AtomicInteger();
    /** Guarded by {@code this}. */
    private final IncomingStats incoming = new IncomingStats();
    /** Guarded by {@code this}. */
    private long sourceSsrc = -1;
    private volatile PacketTap recorderTap;
    private volatile Ingest lastIngest;
    private volatile long lastPerformerNanos;
    private volatile boolean performerSeen;
    private volatile boolean closed;
    /**
     * The join guard ({@link #GUARD_NANOS}), written by whichever shard's loop finishes a packet's fan-out last (one at a
     * time in practice; a lost update only shifts the mean by a packet): until
     * when listeners are refused, and the mean delay that decides it.
     */
    private volatile long meanDelayNanos;
    private volatile boolean guardUp;
    private volatile long guardUntilNanos;
    private volatile long guardDelayNanos;

    ShowRouter(ShowConfig show, List<FanoutShard> shards, MediaMetrics metrics, LongSupplier nanoClock) {
        this(show, shards, metrics, nanoClock, (showId, sessionId, ttfa) -> { });
    }

    /** @param firstAudio told of each consumer's first packet written, on the consumer's shard loop; must not block */
    ShowRouter(ShowConfig show, List<FanoutShard> shards, MediaMetrics metrics, LongSupplier nanoClock,
            FirstAudioListener firstAudio) {
        this.show = requireNonNull(show, "show");
        this.firstAudio = requireNonNull(firstAudio, "firstAudio");
        this.showId = show.id();
        this.metrics = requireNonNull(metrics, "metrics");
        this.counters = metrics.forShow(showId);
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        SecureRandom random = new SecureRandom();
        this.stream = new OutgoingStream(random.nextInt() & 0xFFFFFFFFL, random.nextInt(0x8000), random.nextInt() & 0xFFFFFFFFL);
        double bytesPerSecond = RATE_LIMIT_FACTOR * show.audio().bitrate() / 8.0;
        this.bucket = new TokenBucket(bytesPerSecond, Math.max(bytesPerSecond, 16 * MAX_RTP_LENGTH));
        this.slots = new Slot[shards.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(shards.get(i));
        }
    }

    /** Starts the ~1 s sender reports on every shard's loop. */
    void startReports() {
        for (Slot slot : slots) {
            reportTasks.add(slot.shard.loop().scheduleAtFixedRate(slot::sendReports, SENDER_REPORT_MILLIS, SENDER_REPORT_MILLIS,
                    TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Why new listeners are refused now, or null: the fan-out's mean delay was above {@link #GUARD_NANOS} within the last
     * {@link #GUARD_HOLD_NANOS}. Any thread.
     */
    String refusesListeners() {
        long until = guardUntilNanos;
        if (!guardUp || nanoClock.getAsLong() - until >= 0) {
            return null;
        }
        return "show " + showId + " is at its capacity on this server: audio left "
                + TimeUnit.NANOSECONDS.toMillis(guardDelayNanos) + " ms late on average (expected: under "
                + TimeUnit.NANOSECONDS.toMillis(GUARD_NANOS) + " ms); retry shortly";
    }

    @Override
    public String showId() {
        return showId;
    }

    ShowConfig show() {
        return show;
    }

    long outgoingSsrc() {
        return stream.ssrc();
    }

    @Override
    public void feed(byte[] rtp, int off, int len) {
        requireNonNull(rtp, "rtp");
        if (off < 0 || len < 0 || off + len > rtp.length) {
            throw new IndexOutOfBoundsException("off: " + off + ", len: " + len + " (expected: within " + rtp.length + " bytes)");
        }
        route(rtp, off, len, nanoClock.getAsLong(), Ingest.FEED);
    }

    @Override
    public int consumerCount() {
        return consumerCount.get();
    }

    @Override
    public boolean performerOnline() {
        return performerSeen && nanoClock.getAsLong() - lastPerformerNanos < ONLINE_NANOS;
    }

    @Override
    public RouterStatus status() {
        long now = nanoClock.getAsLong();
        boolean online = performerOnline();
        IncomingStats.Window window;
        double jitter;
        synchronized (this) {
            window = incoming.window(now);
            jitter = incoming.jitterMillis();
        }
        Ingest ingest = lastIngest;
        double loss = 0;
        int lossCount = 0;
        double rtt = 0;
        int rttCount = 0;
        for (Consumer c : consumers) {
            Consumer.ConsumerStats s = c.stats();
            if (!Double.isNaN(s.fractionLost())) {
                loss += s.fractionLost();
                lossCount++;
            }
            if (!Double.isNaN(s.rttMillis())) {
                rtt += s.rttMillis();
                rttCount++;
            }
        }
        return new RouterStatus(online, online && ingest != null ? ingest.label() : null, consumerCount(), window.bitrate(),
                window.loss(), online ? jitter : 0, lossCount == 0 ? 0 : loss / lossCount, rttCount == 0 ? -1 : rtt / rttCount);
    }

    @Override
    public void setRecorderTap(PacketTap tap) {
        recorderTap = tap;
    }

    /** The current WHIP publisher, or null. */
    Producer publisher() {
        return publisher.get();
    }

    boolean isPublisher(Producer p) {
        return p != null && publisher.get() == p;
    }

    /** A WHIP publisher connected: it becomes the show's publisher; the previous one's session is closed. Any thread. */
    void publisherConnected(Producer p) {
        requireNonNull(p, "p");
        Producer previous = publisher.getAndSet(p);
        if (previous != null && previous != p) {
            metrics.whipReplaced();
            LOG.info("show {}: a new publisher replaces the previous one", showId);
            previous.session().close();
        }
    }

    /** A publisher's session closed: if it was the show's publisher, the show has none now. */
    void publisherClosed(Producer p) {
        publisher.compareAndSet(p, null);
    }

    void publisherSessionOpened() {
        publisherSessions.incrementAndGet();
    }

    void publisherSessionClosed() {
        publisherSessions.decrementAndGet();
    }

    /** WHIP publisher sessions open now (connecting, or connected and not replaced). */
    int publisherSessions() {
        return publisherSessions.get();
    }

    /** Receiver-report figures of every connected listener. */
    List<Consumer.ConsumerStats> consumerStats() {
        List<Consumer.ConsumerStats> out = new ArrayList<>();
        for (Consumer c : consumers) {
            out.add(c.stats());
        }
        return out;
    }

    /** {@link #route(byte[], int, int, long, Ingest)} for an in-process feed. */
    void route(byte[] buf, int off, int len, long nowNanos) {
        route(buf, off, len, nowNanos, Ingest.FEED);
    }

    /**
     * Routes one plaintext performer RTP packet: validate → count (loss, jitter, bit rate) → rate-limit → renumber → fan
     * out. Never throws for bad input; drops and counts it. Any thread; the bytes are copied before this returns.
     */
    void route(byte[] buf, int off, int len, long nowNanos, Ingest ingest) {
        if (closed) {
            return;
        }
        if (len > MAX_RTP_LENGTH || !RtpPacket.isValid(buf, off, len)) {
            metrics.drop(DropReason.RTP_MALFORMED);
            return;
        }
        int pt = RtpPacket.payloadType(buf, off);
        if (pt < 96 || pt > 127) {
            metrics.drop(DropReason.BAD_PAYLOAD_TYPE);
            return;
        }
        int payloadOff = off + RtpPacket.headerLength(buf, off, len);
        int payloadLen = RtpPacket.payloadLength(buf, off, len);
        long rewritten;
        ByteBuf packet = null;
        synchronized (this) {
            long ssrc = RtpPacket.ssrc(buf, off);
            if (ssrc != sourceSsrc) {
                incoming.newSource();
                sourceSsrc = ssrc;
            }
            incoming.onPacket(RtpPacket.sequenceNumber(buf, off), RtpPacket.timestamp(buf, off), len, nowNanos);
            lastIngest = ingest;
            if (!bucket.tryTake(len, nowNanos)) {
                metrics.drop(DropReason.RATE_LIMITED);
                return;
            }
            rewritten = stream.rewrite(buf, off, len, nowNanos);
            lastPerformerNanos = nowNanos;
            performerSeen = true;
            counters.packetsIn().inc();
            counters.bytesIn().inc(len);
            if (consumerCount.get() > 0) {
                // Normalized copy: 12-byte header (no CSRC, extension or padding), our SSRC, renumbered, then the payload.
                packet = PooledByteBufAllocator.DEFAULT.heapBuffer(RtpPacket.FIXED_HEADER_LENGTH + payloadLen);
                int n = RtpPacket.write(packet.array(), packet.arrayOffset(), DEFAULT_OPUS_PT, RtpPacket.marker(buf, off),
                        (int) (rewritten >>> 32), rewritten & 0xFFFFFFFFL, stream.ssrc(), buf, payloadOff, payloadLen);
                packet.writerIndex(n);
            }
        }
        if (packet != null) {
            dispatch(packet, nowNanos);
        }
        tap(nowNanos, rewritten, buf, payloadOff, payloadLen);
    }

    /** After the fan-out is on its way: the recorder copies the payload into its own queue (issue 7). */
    private void tap(long nowNanos, long rewritten, byte[] buf, int payloadOff, int payloadLen) {
        PacketTap tap = recorderTap;
        if (tap == null) {
            return;
        }
        try {
            tap.onOpus(nowNanos, (int) (rewritten >>> 32), rewritten & 0xFFFFFFFFL, buf, payloadOff, payloadLen);
        } catch (RuntimeException e) {
            metrics.drop(DropReason.INTERNAL_ERROR);
            LOG.warn("show {}: the recorder tap failed", showId, e);
        }
    }

    private void dispatch(ByteBuf packet, long arrivalNanos) {
        // One pass decides which shards get the packet: counts may change concurrently, and the job must count down exactly
        // once per shard it was handed to.
        Slot[] busy = new Slot[slots.length];
        int n = 0;
        for (Slot slot : slots) {
            if (slot.count.get() > 0) {
                busy[n++] = slot;
            }
        }
        FanoutJob job = new FanoutJob(packet, arrivalNanos, n + 1);
        for (int i = 0; i < n; i++) {
            Slot slot = busy[i];
            try {
                slot.shard.loop().execute(() -> slot.deliver(job));
            } catch (RejectedExecutionException e) {
                job.done();
            }
        }
        job.done();
    }

    /** Adds a connected listener; its shard's loop starts serving it with the next packet. */
    void addConsumer(Consumer consumer) {
        if (closed) {
            consumer.srtp().close();
            return;
        }
        Slot slot = slots[consumer.shard().index()];
        consumers.add(consumer);
        slot.count.incrementAndGet();
        consumerCount.incrementAndGet();
        try {
            slot.shard.loop().execute(() -> slot.list.add(consumer));
        } catch (RejectedExecutionException e) {
            removeConsumer(consumer);
        }
    }

    /** Removes a listener; its SRTP session is closed by its shard's loop after the packets already queued for it. */
    void removeConsumer(Consumer consumer) {
        if (!consumers.remove(consumer)) {
            return;
        }
        Slot slot = slots[consumer.shard().index()];
        slot.count.decrementAndGet();
        consumerCount.decrementAndGet();
        try {
            slot.shard.loop().execute(() -> {
                slot.list.remove(consumer);
                consumer.srtp().close();
            });
        } catch (RejectedExecutionException e) {
            consumer.srtp().close();
        }
    }

    @Override
    public void close() {
        closed = true;
        publisher.set(null);
        for (ScheduledFuture<?> task : reportTasks) {
            task.cancel(false);
        }
        for (Consumer c : List.copyOf(consumers)) {
            removeConsumer(c);
        }
    }

    /**
     * A packet on its way to the shards. Counts down once per shard plus once for the router; the last one records the
     * delay and releases the buffer.
     */
    private final class FanoutJob {
        private final ByteBuf packet;
        private final long arrivalNanos;
        private final AtomicInteger remaining;

        FanoutJob(ByteBuf packet, long arrivalNanos, int parties) {
            this.packet = packet;
            this.arrivalNanos = arrivalNanos;
            this.remaining = new AtomicInteger(parties);
        }

        void done() {
            if (remaining.decrementAndGet() == 0) {
                long now = nanoClock.getAsLong();
                long delay = now - arrivalNanos;
                metrics.recordDelay(delay);
                long mean = meanDelayNanos;
                mean += (delay - mean) >> GUARD_MEAN_SHIFT;
                meanDelayNanos = mean;
                if (GUARD_NANOS > 0 && mean > GUARD_NANOS) {
                    guardUntilNanos = now + GUARD_HOLD_NANOS;
                    guardDelayNanos = mean;
                    guardUp = true;
                }
                packet.release();
            }
        }
    }

    /** This show's consumers on one shard. Thread: {@link #list} only on the shard's loop; {@link #count} any. */
    private final class Slot {
        private final FanoutShard shard;
        private final List<Consumer> list = new ArrayList<>();
        private final AtomicInteger count = new AtomicInteger();

        Slot(FanoutShard shard) {
            this.shard = shard;
        }

        /**
         * Per consumer: copy, set its payload type, protect, write; then flush once (sendmmsg). A consumer's first write is
         * its first audio: one compare of a counter this loop owns anyway, then nothing more for that consumer.
         */
        void deliver(FanoutJob job) {
            if (nanoClock.getAsLong() - job.arrivalNanos > LATE_NANOS) {
                metrics.drop(DropReason.FANOUT_LATE, list.size());
                job.done();
                return;
            }
            ByteBuf packet = job.packet;
            byte[] src = packet.array();
            int srcOff = packet.arrayOffset() + packet.readerIndex();
            int len = packet.readableBytes();
            byte[] scratch = shard.scratch();
            Channel channel = shard.channel();
            int written = 0;
            long bytes = 0;
            for (int i = 0; i < list.size(); i++) {
                Consumer c = list.get(i);
                InetSocketAddress to = c.address();
                if (to == null) {
                    continue;
                }
                try {
                    System.arraycopy(src, srcOff, scratch, 0, len);
                    RtpPacket.setPayloadType(scratch, 0, c.payloadType());
                    int n = c.srtp().protectRtp(scratch, 0, len);
                    if (n <= 0 || n > len + SrtpSession.MAX_OVERHEAD) {
                        metrics.drop(DropReason.INTERNAL_ERROR);
                        continue;
                    }
                    ByteBuf out = channel.alloc().directBuffer(n);
                    out.writeBytes(scratch, 0, n);
                    channel.write(new DatagramPacket(out, to), channel.voidPromise());
                    c.sent(len - RtpPacket.FIXED_HEADER_LENGTH);
                    bytes += n;
                    written++;
                    if (c.packetsSent() == 1) {
                        firstAudio(c);
                    }
                } catch (RuntimeException e) {
                    metrics.drop(DropReason.INTERNAL_ERROR);
                    LOG.warn("fan-out to {} failed for show {}", c.id(), showId, e);
                }
            }
            if (written > 0) {
                // Counters once per batch: they are shared by every shard's loop.
                counters.packetsOut().inc(written);
                counters.bytesOut().inc(bytes);
                channel.flush();
            }
            job.done();
        }

        /** The consumer's first packet was just written (this shard's loop): time to first audio, counted and told. */
        private void firstAudio(Consumer c) {
            long nanos = Math.max(1, nanoClock.getAsLong() - c.sessionCreatedNanos());
            counters.timeToFirstAudio().observe(nanos / 1e9);
            try {
                firstAudio.firstAudio(showId, c.id(), Duration.ofNanos(nanos));
            } catch (RuntimeException e) {
                // The session id is a capability (it ends the session): not logged.
                LOG.warn("first audio listener failed for a listener of show {}", showId, e);
            }
        }

        /** Sender reports (RFC 3550 §6.4.1): wall-clock NTP time, the stream's RTP time now, this consumer's counts. */
        void sendReports() {
            try {
                long nowNanos = nanoClock.getAsLong();
                long rtpTs;
                synchronized (ShowRouter.this) {
                    if (!stream.started()) {
                        return;
                    }
                    rtpTs = stream.timestampAt(nowNanos);
                }
                long ntp = RtcpCodec.ntpTimestamp(System.currentTimeMillis());
                byte[] scratch = shard.scratch();
                Channel channel = shard.channel();
                int written = 0;
                for (int i = 0; i < list.size(); i++) {
                    Consumer c = list.get(i);
                    InetSocketAddress to = c.address();
                    if (to == null || c.packetsSent() == 0) {
                        continue;
                    }
                    SenderReport sr = new SenderReport(stream.ssrc(), ntp, rtpTs, c.packetsSent() & 0xFFFFFFFFL,
                            c.octetsSent() & 0xFFFFFFFFL, List.of());
                    int len = RtcpCodec.write(List.of(sr), scratch, 0);
                    int n = c.srtp().protectRtcp(scratch, 0, len);
                    if (n <= 0) {
                        continue;
                    }
                    ByteBuf out = channel.alloc().directBuffer(n);
                    out.writeBytes(scratch, 0, n);
                    channel.write(new DatagramPacket(out, to), channel.voidPromise());
                    written++;
                }
                if (written > 0) {
                    channel.flush();
                }
            } catch (RuntimeException e) {
                metrics.drop(DropReason.INTERNAL_ERROR);
                LOG.warn("sender reports failed for show {}", showId, e);
            }
        }
    }
}
