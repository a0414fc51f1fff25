package io.kdop.hub.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LastWrittenTest {

    @Test
    void aLaggingCacheIsNotTakenForTheStatusBeforeAndARestartTrustsTheCache() {
        LastWritten<String> written = new LastWritten<>();
        assertThat(written.before("u1", "Pending")).as("nothing written yet (a hub restart): the cache").isEqualTo("Pending");
        written.wrote("u1", "Running");
        assertThat(written.before("u1", "Pending")).as("the cache lags behind the patch").isEqualTo("Running");
        written.forget("u1");
        assertThat(written.before("u1", "Failed")).isEqualTo("Failed");
    }
}
