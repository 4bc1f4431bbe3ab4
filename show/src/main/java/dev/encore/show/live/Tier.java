package dev.encore.show.live;

/** A listener's ticket tier, as the channel learned it from the join token. */
public enum Tier {
    GENERAL, VIP
}
