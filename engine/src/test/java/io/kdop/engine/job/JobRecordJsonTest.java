package io.kdop.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobRecordJsonTest {

    private static final JobRecord RUNNING = JobRecord.begin(Jobs.job("n", "echo hi").build(), Jobs.T0)
            .starting(1, "", "").running("c1");

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        JobRecord failed = RUNNING.finish(JobRecord.State.FAILED, 3, Jobs.T0.plusSeconds(9), "BackoffLimitExceeded",
                "exited with code 3", "ö\n").withContainerRemoved();
        JobRecord backoff = RUNNING.interrupted(137, Jobs.T0.plusSeconds(5), "Docker stopped", "");

        assertThat(JobRecordJson.decode(JobRecordJson.encode(failed))).isEqualTo(failed);
        assertThat(JobRecordJson.decode(JobRecordJson.encode(backoff))).isEqualTo(backoff);
        assertThat(JobRecordJson.decode(JobRecordJson.encode(RUNNING))).isEqualTo(RUNNING);
    }

    @Test
    void secretValuesAreOnlyInsideTheEncodedSpec() {
        String text = new String(JobRecordJson.encode(RUNNING), StandardCharsets.UTF_8);

        assertThat(text).contains("\"format\" : 1", "\"uid\" : \"uid-n\"", "DockerJob batch/n")
                .doesNotContain("s3cret-token");
    }

    @Test
    void whatIsNotARecordOfThisFormatIsRefused() {
        String good = new String(JobRecordJson.encode(RUNNING), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> decode("{\"format\":1,\"uid\":\"u1\",\"sta")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> decode("[]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> decode(good.replace("\"format\" : 1", "\"format\" : 2")))
                .hasMessage("format 2, this version reads format 1");
        assertThatThrownBy(() -> decode(good.replace("\"uid\" : \"uid-n\"", "\"uid\" : \"uid-other\"")))
                .hasMessage("the spec is of another job than the uid says");
        assertThatThrownBy(() -> decode(good.replace("\"state\" : \"RUNNING\"", "\"state\" : \"DANCING\"")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static JobRecord decode(String text) throws Exception {
        return JobRecordJson.decode(text.getBytes(StandardCharsets.UTF_8));
    }
}
