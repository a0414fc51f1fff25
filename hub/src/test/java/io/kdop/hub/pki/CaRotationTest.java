package io.kdop.hub.pki;

import static io.kdop.hub.pki.CaSet.Phase.ADDED;
import static io.kdop.hub.pki.CaSet.Phase.PROMOTED;
import static io.kdop.hub.pki.CaSet.Phase.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaRotationTest {

    @Test
    void eachStepIsCarriedOutFromThePhaseBeforeIt() {
        assertThat(CaRotation.decide(STABLE, "add", null)).isEqualTo(new CaRotation.Perform(CaRotation.Step.ADD));
        assertThat(CaRotation.decide(ADDED, "promote", "add"))
                .isEqualTo(new CaRotation.Perform(CaRotation.Step.PROMOTE));
        assertThat(CaRotation.decide(PROMOTED, " Retire ", "promote"))
                .isEqualTo(new CaRotation.Perform(CaRotation.Step.RETIRE));
        assertThat(CaRotation.decide(STABLE, "add", "retire")).as("the next rotation")
                .isEqualTo(new CaRotation.Perform(CaRotation.Step.ADD));
    }

    @Test
    void aStepAlreadyCarriedOutOrNoRequestDoesNothing() {
        assertThat(CaRotation.decide(STABLE, null, null)).isEqualTo(new CaRotation.Nothing());
        assertThat(CaRotation.decide(STABLE, "retire", "retire")).isEqualTo(new CaRotation.Nothing());
        assertThat(CaRotation.decide(ADDED, "add", "add")).isEqualTo(new CaRotation.Nothing());
        assertThat(CaRotation.decide(ADDED, "add", null)).as("added by another replica").isEqualTo(new CaRotation.Nothing());
        assertThat(CaRotation.decide(PROMOTED, "promote", null)).isEqualTo(new CaRotation.Nothing());
    }

    @Test
    void stepsOutOfOrderAreRefusedWithWhatToDoInstead() {
        assertThat(CaRotation.decide(STABLE, "promote", null))
                .isEqualTo(new CaRotation.Refuse("promote refused: there is no next CA to promote; start with add"));
        assertThat(CaRotation.decide(ADDED, "retire", "add")).isInstanceOfSatisfying(CaRotation.Refuse.class,
                r -> assertThat(r.reason()).contains("promote it first"));
        assertThat(CaRotation.decide(PROMOTED, "add", "promote")).isInstanceOfSatisfying(CaRotation.Refuse.class,
                r -> assertThat(r.reason()).contains("retire its old CA first"));
        assertThat(CaRotation.decide(STABLE, "retire", null)).isInstanceOf(CaRotation.Refuse.class);
        assertThat(CaRotation.decide(STABLE, "rotate", null))
                .isEqualTo(new CaRotation.Refuse("kdop.io.vn/ca-rotation must be add, promote or retire, not 'rotate'"));
    }
}
