package io.kdop.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Fuzzes {@link JoinToken#parse}: the text an operator pastes (or an agent reads from a file or
 * the environment) is untrusted. Contract: a token, or an IllegalArgumentException whose message
 * does not depend on the input (it may hold a secret). Seeds: JoinTokenFuzzTestInputs/parse.
 */
class JoinTokenFuzzTest {

    private static final String HASH = "ab".repeat(32);

    /** Every message parse gives: one per way a token can be malformed, none built from the input. */
    private static final Set<String> MESSAGES = Stream.of("", "garbage", "kdop1.xyz.abcdefgh." + "a".repeat(32),
                    "kdop1." + HASH + ".ABCDEFGH." + "a".repeat(32), "kdop1." + HASH + ".abcdefgh.short")
            .map(JoinTokenFuzzTest::messageOf)
            .collect(Collectors.toUnmodifiableSet());

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        JoinToken token;
        try {
            token = JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e).hasNoCause().isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(MESSAGES).as("a message that does not depend on the input").contains(e.getMessage());
            return;
        }
        // what parses is exactly a token's text, and prints back as it was pasted (the hash in lower case)
        String pasted = text.strip();
        assertThat(token.encode()).isEqualTo(pasted.substring(0, 6) + pasted.substring(6, 70).toLowerCase(java.util.Locale.ROOT)
                + pasted.substring(70));
        assertThat(JoinToken.parse(token.encode())).isEqualTo(token);
        // the CA hash is printed, and a secret may happen to be part of it (the fuzzer found one)
        assertThat(token.toString().replace(token.caPin().hex(), "")).doesNotContain(token.secret());
    }

    private static String messageOf(String malformed) {
        try {
            JoinToken.parse(malformed);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new IllegalStateException(malformed + " parsed");
    }
}
