package dev.encore.show;

/**
 * How many listeners a show admits at once ({@code access.capacity}) and how many of those seats are kept for VIP
 * listeners ({@code access.vipSeats}). A show without {@code access.capacity} has no limit and no {@code Capacity}.
 *
 * @param seats listeners at once, from 1 to {@link #MAX_SEATS}
 * @param vipSeats seats kept for VIPs, from 0 to {@code seats}; general listeners may take at most {@code seats - vipSeats}
 */
public record Capacity(int seats, int vipSeats) {
    /** The largest {@code access.capacity} a show file may give. */
    public static final int MAX_SEATS = 1_000_000;

    public Capacity {
        if (seats < 1 || seats > MAX_SEATS) {
            throw new IllegalArgumentException("access.capacity: " + seats + " (expected: 1.." + MAX_SEATS + ")");
        }
        if (vipSeats < 0 || vipSeats > seats) {
            throw new IllegalArgumentException("access.vipSeats: " + vipSeats + " (expected: 0..access.capacity, " + seats + ")");
        }
    }
}
