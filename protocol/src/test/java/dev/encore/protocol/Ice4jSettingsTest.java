package dev.encore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.encore.protocol.stun.StunCodec;

import org.ice4j.ice.AgentConfig;
import org.ice4j.ice.harvest.HarvestConfig;
import org.junit.jupiter.api.Test;

class Ice4jSettingsTest {

    @Test
    void setsThePropertiesAndIce4jSeesThem() {
        Ice4jSettings.apply();

        assertThat(System.getProperty("ice4j.harvest.mapping.aws.enabled")).isEqualTo("false");
        assertThat(System.getProperty("ice4j.harvest.mapping.aws.force")).isEqualTo("false");
        assertThat(System.getProperty("ice4j.software")).isEmpty();
        for (String cleared : Ice4jSettings.CLEARED) {
            assertThat(System.getProperty(cleared)).as(cleared).isNull();
        }
        // What ice4j itself reads, through its typesafe config:
        assertThat(HarvestConfig.config.enableAwsHarvester()).isFalse();
        assertThat(HarvestConfig.config.forceAwsHarvester()).isFalse();
        assertThat(HarvestConfig.config.stunMappingCandidateHarvesterAddresses()).isEmpty();
        assertThat(AgentConfig.config.getSoftware()).isEmpty();
    }

    @Test
    void isIdempotent() {
        Ice4jSettings.apply();
        Ice4jSettings.apply();

        assertThat(System.getProperties()).containsAllEntriesOf(Ice4jSettings.PROPERTIES);
    }

    @Test
    void stunCodecAppliesTheSettingsWhenItLoads() throws ClassNotFoundException {
        Class.forName(StunCodec.class.getName(), true, StunCodec.class.getClassLoader());

        assertThat(System.getProperties()).containsAllEntriesOf(Ice4jSettings.PROPERTIES);
    }
}
