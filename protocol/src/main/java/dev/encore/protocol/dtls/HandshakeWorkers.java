package dev.encore.protocol.dtls;

import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads that run {@link DtlsEndpoint} handshakes, and a gate that bounds how many of them compute at once.
 *
 * <h2>Why a thread may wait but not compute</h2>
 * BouncyCastle's DTLS handshake blocks: a thread sits in {@code accept}/{@code connect} for the whole handshake, and most of
 * that time it waits for the peer's next flight (two round trips). With a small pool, handshakes waiting for a peer held
 * every thread while others queued: a join storm timed out although the CPU was not busy. With a big pool and no limit, a
 * burst of handshakes computing at once (ECDHE and ECDSA: about 0.7 ms per flight on these machines) takes every core from
 * the media event loops. So this class has many threads ({@code maxHandshakes}), cheap while they wait, and {@code
 * computing} turns: a handshake holds a turn while BouncyCastle computes and gives it back whenever it has to wait for a
 * datagram (see DtlsEndpoint's transport). A handshake that has started is served before one that has not, so the CPU
 * finishes the handshakes it began (their listeners are one step from audio) before it starts new ones.
 *
 * <p>Handshakes beyond {@code maxHandshakes} wait for a thread in a queue of {@code queue}; beyond that, {@link #execute}
 * rejects them (the endpoint fails with "rejected", its client re-sends its ClientHello later).
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class HandshakeWorkers implements Executor, AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final int computing;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Waiter> started = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Waiter> fresh = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private int free;
    /** The most turns held at once; guarded by {@link #lock}. */
    private int peakHeld;

    /**
     * @param name the threads' name prefix
     * @param computing handshakes that may compute at once (CPU turns)
     * @param maxHandshakes threads, so handshakes in progress at once (most of them waiting for their peer)
     * @param queue handshakes waiting for a thread; more are rejected
     */
    public HandshakeWorkers(String name, int computing, int maxHandshakes, int queue) {
        if (computing < 1 || maxHandshakes < computing || queue < 0) {
            throw new IllegalArgumentException("computing " + computing + ", maxHandshakes " + maxHandshakes + ", queue " + queue
                    + " (expected: computing >= 1, maxHandshakes >= computing, queue >= 0)");
        }
        this.computing = computing;
        this.free = computing;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(maxHandshakes, maxHandshakes, 30, TimeUnit.SECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** CPU turns for a machine with {@code cores} cores: half of them, so the media event loops keep the rest. */
    public static int computingFor(int cores) {
        Integer forced = Integer.getInteger("encore.dtls.turns");
        if (forced != null && forced > 0) {
            return forced;
        }
        return Math.max(1, cores / 2);
    }

    @Override
    public void execute(Runnable handshake) {
        pool.execute(handshake);
    }

    /**
     * Waits for a CPU turn until {@code deadlineNanos} ({@link System#nanoTime}); a handshake that has {@code started}
     * goes before any that has not.
     *
     * @return false if the deadline passed first (the caller holds no turn)
     */
    boolean acquire(boolean started, long deadlineNanos) {
        Waiter waiter;
        lock.lock();
        try {
            if (free > 0) {
                // Turns are handed straight to waiters (release), so a free turn means nobody waits.
                free--;
                peakHeld = Math.max(peakHeld, computing - free);
                return true;
            }
            waiter = new Waiter(Thread.currentThread());
            (started ? this.started : fresh).addLast(waiter);
        } finally {
            lock.unlock();
        }
        while (!waiter.granted) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                lock.lock();
                try {
                    if (waiter.granted) {
                        return true;
                    }
                    (started ? this.started : fresh).remove(waiter);
                    return false;
                } finally {
                    lock.unlock();
                }
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    /** Gives a turn back: to the longest-waiting started handshake, else the longest-waiting new one. */
    void release() {
        Waiter next;
        lock.lock();
        try {
            next = started.pollFirst();
            if (next == null) {
                next = fresh.pollFirst();
            }
            if (next == null) {
                free++;
                return;
            }
            next.granted = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(next.thread);
    }

    /** Handshakes running (computing or waiting for their peer or a turn). */
    public int active() {
        return pool.getActiveCount();
    }

    /** Handshakes waiting for a thread. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** Handshakes waiting for a CPU turn now. */
    public int waitingForTurn() {
        lock.lock();
        try {
            return started.size() + fresh.size();
        } finally {
            lock.unlock();
        }
    }

    /** The most CPU turns held at once so far (never more than {@link #computing}). */
    public int peakComputing() {
        lock.lock();
        try {
            return peakHeld;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static final class Waiter {
        final Thread thread;
        volatile boolean granted;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }
}
