package dev.encore.protocol;

import java.util.Map;

import org.ice4j.ice.harvest.HarvestConfig;

/**
 * System properties that keep ice4j (3.2) off the network and out of our STUN messages. Call {@link #apply()} before any
 * ice4j {@code Agent} is created; {@code StunCodec} calls it in its static initialiser.
 *
 * <p>The names come from ice4j 3.2's {@code reference.conf} and its config classes ({@code HarvestConfig},
 * {@code AgentConfig}). ice4j reads them through typesafe-config, where system properties override {@code reference.conf}.
 * What each one prevents:
 * <ul>
 *   <li>{@code ice4j.harvest.mapping.aws.enabled=false}: the first {@code Agent} would otherwise probe the EC2 metadata
 *       address over HTTP to guess whether it runs in AWS.</li>
 *   <li>{@code ice4j.harvest.mapping.aws.force=false}: the AWS harvester also runs when forced.</li>
 *   <li>{@code ice4j.software=""}: ice4j adds a SOFTWARE attribute to every STUN message unless this is empty.</li>
 * </ul>
 * ice4j 3.2 has no "enabled" switch for STUN or UPnP mapping: a STUN mapping harvester runs only for the servers listed in
 * {@code ice4j.harvest.mapping.stun.addresses} (empty by default; {@link #apply()} removes a system property that would fill
 * it), and the {@code UPNPHarvester} is never added unless code adds it by hand. Both stay off.
 *
 * <p>ice4j reads each setting once and keeps it (reloading its typesafe config does not change what its config classes
 * already hold), so this must run before anything reads ice4j's config: first thing in {@code main}, or before the first
 * ice4j {@code Agent} / STUN message in a test.
 *
 * <p>Thread-safe; idempotent.
 */
public final class Ice4jSettings {

    /** The system properties {@link #apply()} sets, name to value. */
    public static final Map<String, String> PROPERTIES = Map.of(
            "ice4j.harvest.mapping.aws.enabled", "false",
            "ice4j.harvest.mapping.aws.force", "false",
            "ice4j.software", "");

    /** System properties that would point ice4j at outside STUN servers; {@link #apply()} clears them. */
    static final String[] CLEARED = {
        "ice4j.harvest.mapping.stun.addresses",
        "org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES",
    };

    private static boolean applied;

    private Ice4jSettings() {
    }

    /**
     * Sets {@link #PROPERTIES}, clears {@link #CLEARED}, then checks that ice4j sees them.
     *
     * @throws IllegalStateException if ice4j still has the AWS harvester or STUN mapping servers enabled: it read its config
     *     before this call, or an {@code application.conf} on the class path overrides system properties. A SOFTWARE value
     *     that stayed (same cause) is tolerated: it only adds an attribute to STUN messages.
     */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        PROPERTIES.forEach(System::setProperty);
        for (String name : CLEARED) {
            System.clearProperty(name);
        }
        if (HarvestConfig.config.enableAwsHarvester() || HarvestConfig.config.forceAwsHarvester()
                || !HarvestConfig.config.stunMappingCandidateHarvesterAddresses().isEmpty()) {
            throw new IllegalStateException("ice4j config still enables a network mapping harvester (expected: AWS off and no "
                    + "STUN mapping servers; call Ice4jSettings.apply() before ice4j reads its config, check application.conf)");
        }
        applied = true;
    }
}
