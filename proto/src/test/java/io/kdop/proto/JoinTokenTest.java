package io.kdop.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

    private static final CaPin PIN = CaPin.ofHex("ab".repeat(32));

    @Test
    void encodesAndParsesBackToTheSameToken() {
        JoinToken token = JoinToken.generate(PIN, new SecureRandom());
        JoinToken parsed = JoinToken.parse(token.encode());
        assertThat(parsed).isEqualTo(token);
        assertThat(token.encode()).startsWith("kdop1." + PIN.hex() + ".");
    }

    @Test
    void generatedTokensDiffer() {
        SecureRandom random = new SecureRandom();
        assertThat(JoinToken.generate(PIN, random)).isNotEqualTo(JoinToken.generate(PIN, random));
    }

    @Test
    void toStringNeverShowsTheSecret() {
        JoinToken token = JoinToken.generate(PIN, new SecureRandom());
        assertThat(token.toString()).doesNotContain(token.secret()).contains(token.tokenId());
    }

    @Test
    void malformedTokensAreRefusedWithoutEchoingThem() {
        String secretish = "kdop1." + PIN.hex() + ".abcdefgh.tooshortsecret";
        assertThatThrownBy(() -> JoinToken.parse(secretish))
                .hasMessageContaining("secret must be 32 characters")
                .message().doesNotContain("tooshortsecret");
        assertThatThrownBy(() -> JoinToken.parse("garbage")).hasMessageContaining("expected kdop1.");
        assertThatThrownBy(() -> JoinToken.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> JoinToken.parse("kdop1.xyz.abcdefgh." + "a".repeat(32)))
                .hasMessageContaining("CA hash");
        assertThatThrownBy(() -> JoinToken.parse("kdop1." + PIN.hex() + ".ABCDEFGH." + "a".repeat(32)))
                .hasMessageContaining("token id");
        assertThatThrownBy(() -> JoinToken.parse("kdop2." + PIN.hex() + ".abcdefgh." + "a".repeat(32)))
                .hasMessageContaining("expected kdop1.");
    }

    @Test
    void toleratesSurroundingWhitespaceFromCopyAndPaste() {
        JoinToken token = JoinToken.generate(PIN, new SecureRandom());
        assertThat(JoinToken.parse("  " + token.encode() + "\n")).isEqualTo(token);
    }
}
