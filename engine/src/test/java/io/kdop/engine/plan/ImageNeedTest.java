package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.PullPolicy;
import org.junit.jupiter.api.Test;

/** The pull decision containers and jobs share. */
class ImageNeedTest {

    @Test
    void alwaysPullsWhateverTheHostHas() {
        assertThat(ImageNeed.of(PullPolicy.PULL_ALWAYS, true)).isEqualTo(ImageNeed.PULL);
        assertThat(ImageNeed.of(PullPolicy.PULL_ALWAYS, false)).isEqualTo(ImageNeed.PULL);
    }

    @Test
    void ifNotPresentPullsOnlyWhatIsMissing() {
        assertThat(ImageNeed.of(PullPolicy.PULL_IF_NOT_PRESENT, true)).isEqualTo(ImageNeed.PRESENT);
        assertThat(ImageNeed.of(PullPolicy.PULL_IF_NOT_PRESENT, false)).isEqualTo(ImageNeed.PULL);
    }

    @Test
    void neverRunsOnlyWhatIsThere() {
        assertThat(ImageNeed.of(PullPolicy.PULL_NEVER, true)).isEqualTo(ImageNeed.PRESENT);
        assertThat(ImageNeed.of(PullPolicy.PULL_NEVER, false)).isEqualTo(ImageNeed.MISSING);
        assertThat(ImageNeed.missing("app:1")).isEqualTo("image app:1 is not on the host and the pull policy is Never");
    }
}
