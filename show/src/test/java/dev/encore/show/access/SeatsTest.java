package dev.encore.show.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SeatsTest {

    private static List<Admission> admit(Seats seats, Tier tier, int n) {
        List<Admission> admitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Admission admission = seats.tryAdmit(tier);
            assertThat(admission.admitted()).as("%s listener %d", tier, i + 1).isTrue();
            admitted.add(admission);
        }
        return admitted;
    }

    @Test
    void generalListenersLeaveTheVipSeatsFree() {
        Seats seats = new Seats(10, 2);
        admit(seats, Tier.GENERAL, 8);

        Admission ninth = seats.tryAdmit(Tier.GENERAL);

        assertThat(ninth.admitted()).isFalse();
        assertThat(ninth.refusal()).isEqualTo(new Refusal(Refusal.Reason.FULL, 30));
        assertThat(seats.inUse()).isEqualTo(8);
        admit(seats, Tier.VIP, 2);
        Admission eleventh = seats.tryAdmit(Tier.VIP);
        assertThat(eleventh.admitted()).isFalse();
        assertThat(eleventh.refusal().reason()).isEqualTo(Refusal.Reason.FULL);
        assertThat(seats.inUse()).isEqualTo(10);
        assertThat(seats.inUse(Tier.GENERAL)).isEqualTo(8);
        assertThat(seats.inUse(Tier.VIP)).isEqualTo(2);
    }

    @Test
    void capacityReachedRefusesTheNextGeneralListener() {
        Seats seats = new Seats(5, 0, Duration.ofSeconds(12));
        admit(seats, Tier.GENERAL, 5);

        assertThat(seats.tryAdmit(Tier.GENERAL).refusal()).isEqualTo(new Refusal(Refusal.Reason.FULL, 12));
        assertThat(seats.tryAdmit(Tier.VIP).refusal()).isEqualTo(new Refusal(Refusal.Reason.FULL, 12));
    }

    @Test
    void vipsMayTakeGeneralSeats() {
        Seats seats = new Seats(3, 1);
        admit(seats, Tier.VIP, 3);

        assertThat(seats.tryAdmit(Tier.GENERAL).admitted()).isFalse();
        assertThat(seats.tryAdmit(Tier.VIP).admitted()).isFalse();
    }

    @Test
    void generalListenersAreCappedEvenWhenVipsHoldGeneralSeats() {
        Seats seats = new Seats(4, 1);
        admit(seats, Tier.VIP, 2);
        admit(seats, Tier.GENERAL, 2);

        assertThat(seats.tryAdmit(Tier.GENERAL).admitted()).as("4 seats held").isFalse();
    }

    @Test
    void releaseFreesASeatOnce() {
        Seats seats = new Seats(2, 0);
        List<Admission> held = admit(seats, Tier.GENERAL, 2);
        Admission refused = seats.tryAdmit(Tier.GENERAL);
        assertThat(refused.admitted()).isFalse();
        refused.release();
        assertThat(seats.inUse()).isEqualTo(2);

        held.get(0).release();
        held.get(0).release();
        held.get(0).close();

        assertThat(held.get(0).released()).isTrue();
        assertThat(seats.inUse()).isEqualTo(1);
        Admission next = seats.tryAdmit(Tier.GENERAL);
        assertThat(next.admitted()).isTrue();
        assertThat(seats.tryAdmit(Tier.GENERAL).admitted()).isFalse();
        try (Admission closing = next) {
            assertThat(closing.released()).isFalse();
        }
        assertThat(held.get(1).toString()).isEqualTo("Admission[general, held]");
        held.get(1).release();
        assertThat(seats.inUse()).isZero().isEqualTo(seats.inUse(Tier.VIP));
        assertThat(next.toString()).isEqualTo("Admission[general, released]");
        assertThat(refused.toString()).isEqualTo("Admission[general, refused: Refusal[reason=FULL, retryAfterSeconds=30]]");
    }

    @Test
    void aVipReleaseFreesAVipSeat() {
        Seats seats = new Seats(2, 1);
        Admission vip = seats.tryAdmit(Tier.VIP);
        admit(seats, Tier.GENERAL, 1);
        vip.release();

        assertThat(seats.inUse(Tier.VIP)).isZero();
        assertThat(seats.inUse(Tier.GENERAL)).isEqualTo(1);
        assertThat(seats.tryAdmit(Tier.GENERAL).admitted()).as("the free seat is the VIP one").isFalse();
        assertThat(seats.tryAdmit(Tier.VIP).admitted()).isTrue();
    }

    @Test
    void refusesImpossibleSettings() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Seats(0, 0))
                .withMessage("access.capacity: 0 (expected: at least 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Seats(10, 11))
                .withMessage("access.vipSeats: 11 (expected: from 0 to access.capacity, 10)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Seats(10, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> new Seats(10, 1, Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> new Seats(10, 1, Duration.ofDays(2)));
        assertThatIllegalArgumentException().isThrownBy(() -> new Refusal(Refusal.Reason.FULL, 0));
    }

    @Test
    void allVipSeatsMeansOnlyVips() {
        Seats seats = new Seats(2, 2);

        assertThat(seats.tryAdmit(Tier.GENERAL).admitted()).isFalse();
        admit(seats, Tier.VIP, 2);
    }

    @Test
    void concurrentAdmissionFillsExactlyTheSeats() throws Exception {
        Seats seats = new Seats(50, 10);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Admission> held = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Tier tier = t % 4 == 0 ? Tier.VIP : Tier.GENERAL;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        Admission admission = seats.tryAdmit(tier);
                        if (admission.admitted()) {
                            held.add(admission);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // 2 VIP threads try 200 times and 6 general threads 600 times: general stops at 40 at most, VIPs fill the rest (a VIP
        // may take any free seat, so how many each tier gets depends on which threads run first).
        assertThat(held).hasSize(50);
        assertThat(held.stream().filter(a -> a.tier() == Tier.GENERAL).count()).isLessThanOrEqualTo(40L);
        assertThat(held.stream().filter(a -> a.tier() == Tier.VIP).count()).isGreaterThanOrEqualTo(10L);
        assertThat(seats.inUse()).isEqualTo(50);
        held.forEach(Admission::release);
        assertThat(seats.inUse()).isZero();
    }

    @Test
    void concurrentAdmitAndReleaseNeverExceedCapacity() throws Exception {
        Seats seats = new Seats(5, 2);
        int threads = 8;
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger holdingGeneral = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger mostGeneral = new AtomicInteger();
        AtomicInteger admissions = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Tier tier = t % 2 == 0 ? Tier.VIP : Tier.GENERAL;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        Admission admission = seats.tryAdmit(tier);
                        if (!admission.admitted()) {
                            continue;
                        }
                        admissions.incrementAndGet();
                        // Counted after the seat is taken and uncounted before it is freed: never more than the seats held.
                        most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        if (tier == Tier.GENERAL) {
                            mostGeneral.accumulateAndGet(holdingGeneral.incrementAndGet(), Math::max);
                            holdingGeneral.decrementAndGet();
                        }
                        holding.decrementAndGet();
                        admission.release();
                        admission.release();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(most.get()).isBetween(1, 5);
        assertThat(mostGeneral.get()).isBetween(1, 3);
        assertThat(admissions.get()).isPositive();
        assertThat(seats.inUse()).isZero();
    }
}
