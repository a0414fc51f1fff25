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

    @Test
    void statusFieldsAreOneBoundedLine() {
        assertThat(PeerText.forStatus("28.2.2\n2026-12-02 INFO forged\u001b[2J"))
                .isEqualTo("28.2.2?2026-12-02 INFO forged?[2J");
        assertThat(PeerText.forStatus("x".repeat(1 << 20))).hasSize(PeerText.FIELD_MAX + 1).endsWith("…");
        assertThat(PeerText.forStatus(null)).isEmpty();
    }

    @Test
    void aMultiLineStatusMessageKeepsItsLineFeedsAndTabsOnly() {
        assertThat(PeerText.forStatusLines("line 1\n\tline 2\r\n\u001b[31mred", 100))
                .isEqualTo("line 1\n\tline 2?\n?[31mred");
        assertThat(PeerText.forStatusLines("y".repeat(5000), 4096)).hasSize(4097);
    }

    @Test
    void aCutNeverSplitsASurrogatePairAndCuttingAgainChangesNothing() {
        String cut = PeerText.forStatus("x".repeat(PeerText.FIELD_MAX - 1) + "\uD83D\uDE00" + "tail");
        assertThat(cut).isEqualTo("x".repeat(PeerText.FIELD_MAX - 1) + "…");
        assertThat(PeerText.forStatus(cut)).isEqualTo(cut);
        String longer = PeerText.forStatus("z".repeat(5000));
        assertThat(PeerText.forStatus(longer)).isEqualTo(longer);
    }
}
