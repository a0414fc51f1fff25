package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void lineBreaksAndOtherControlsCannotForgeALogEntry() {
        assertThat(PeerText.forLog("refused\n2026-12-02 INFO  forged entry\r\u2028\u0085\u202e"))
                .isEqualTo("refused?2026-12-02 INFO  forged entry????");
    }

    @Test
    void longTextIsCut() {
        assertThat(PeerText.forLog("x".repeat(10_000))).hasSize(257).endsWith("…");
    }
}
