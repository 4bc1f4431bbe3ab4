package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.media.SessionEndReason;
import dev.encore.media.WhepService;
import dev.encore.media.WhepSession;
import dev.encore.protocol.sdp.SdpException;
import dev.encore.show.AccessMode;
import dev.encore.show.AudioSettings;
import dev.encore.show.Capacity;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.Tier;
import dev.encore.show.access.TokenAuthority;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Seats bound to sessions, freed once on DELETE, on an end the media server reports, or on a refused offer. */
class AccessGateTest {
    private static final TokenAuthority AUTHORITY = new TokenAuthority(ServerSecret.ofValue("x".repeat(40)));
    private static final ShowConfig HALL = new ShowConfig(null, "hall", "Hall", null, AccessMode.TOKEN,
            new AudioSettings(64_000, true), null, new Capacity(2, 1));
    private static final ShowConfig FREE = new ShowConfig(null, "free", "Free", null, AccessMode.OPEN,
            new AudioSettings(64_000, true), null);

    private final AtomicInteger sessions = new AtomicInteger();
    private final WhepService whep = new WhepService() {
        @Override
        public WhepSession subscribe(String showId, String offerSdp) throws SdpException {
            if (offerSdp.equals("bad")) {
                throw new SdpException("bad offer (expected: SDP)");
            }
            return new WhepSession(showId + "-session-" + sessions.incrementAndGet(), "v=0");
        }

        @Override
        public boolean unsubscribe(String showId, String sessionId) {
            return true;
        }
    };
    private final AccessGate gate = new AccessGate(List.of(HALL, FREE), AUTHORITY, Clock.systemUTC());

    private String bearer(Tier tier) {
        return "Bearer " + AUTHORITY.mint("hall", tier, Duration.ofHours(1), null, Clock.systemUTC()).encoded();
    }

    private String join(Tier tier) throws Exception {
        AccessGate.Pass pass = gate.admit(HALL, bearer(tier));
        assertThat(pass.refused()).as("admitted").isFalse();
        return pass.subscribe(whep, "offer").sessionId();
    }

    @Test
    void sessionEndedFreesTheSeatOnceAndOnlyForItsShow() throws Exception {
        String general = join(Tier.GENERAL);
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
        gate.sessionEnded("free", general);
        gate.sessionEnded("hall", "unknown");
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
        gate.sessionEnded("hall", general);
        gate.sessionEnded("hall", general);
        assertThat(gate.seatsInUse("hall")).isZero();
    }

    @Test
    void aRefusedOfferFreesTheSeat() throws Exception {
        AccessGate.Pass pass = gate.admit(HALL, bearer(Tier.GENERAL));
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
        assertThatThrownBy(() -> pass.subscribe(whep, "bad")).isInstanceOf(SdpException.class);
        assertThat(gate.seatsInUse("hall")).isZero();
    }

    @Test
    void aRefusedPassCannotSubscribe() {
        AccessGate.Pass pass = gate.admit(HALL, null);
        assertThat(pass.refused()).isTrue();
        assertThat(pass.refusal().status().code()).isEqualTo(401);
        pass.refusal().release();
        assertThatThrownBy(() -> pass.subscribe(whep, "offer")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void showsWithoutCapacityHoldNoSeats() throws Exception {
        AccessGate.Pass pass = gate.admit(FREE, null);
        assertThat(pass.refused()).isFalse();
        pass.subscribe(whep, "offer");
        assertThat(gate.seatsInUse("free")).isZero();
    }

    @Test
    void anEndReportedByTheMediaServerFreesTheSeatOnceWhateverTheCause() throws Exception {
        String general = join(Tier.GENERAL);
        String vip = join(Tier.VIP);
        AccessGate.Pass refused = gate.admit(HALL, bearer(Tier.VIP));
        assertThat(refused.refused()).as("both seats are held").isTrue();
        assertThat(refused.refusal().status().code()).isEqualTo(503);
        refused.refusal().release();

        gate.sessionEnded("hall", vip, SessionEndReason.CONSENT_EXPIRED);
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
        assertThat(gate.sessionEnded("hall", vip)).as("a later DELETE frees nothing more").isFalse();
        gate.sessionEnded("hall", vip, SessionEndReason.UNSUBSCRIBED);
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
        AccessGate.Pass admitted = gate.admit(HALL, bearer(Tier.VIP));
        assertThat(admitted.refused()).as("the VIP seat is free again").isFalse();
        admitted.subscribe(whep, "offer");

        assertThat(gate.sessionEnded("hall", general)).as("DELETE first").isTrue();
        gate.sessionEnded("hall", general, SessionEndReason.UNSUBSCRIBED);
        assertThat(gate.seatsInUse("hall")).isEqualTo(1);
    }
}
