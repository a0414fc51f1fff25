package io.kdop.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kdop.engine.plan.Redactor;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OutputTailTest {

    private static final Redactor NONE = Redactor.forOutput(ContainerSpec.getDefaultInstance());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheLastThirtyLines() {
        String out = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        String tail = OutputTail.of(utf8(out), NONE);
        assertThat(tail.lines().toList()).hasSize(30).startsWith("line 71").endsWith("line 100");
    }

    @Test
    void isBoundedInBytesOnACharacterBoundary() {
        String line = "é".repeat(700) + "\n"; // 1400 bytes per line, 2-byte characters
        String tail = OutputTail.of(utf8(line.repeat(5)), NONE);
        byte[] bytes = utf8(tail);
        assertThat(bytes.length).isLessThanOrEqualTo(OutputTail.MAX_BYTES);
        assertThat(tail).startsWith("...").doesNotContain("\uFFFD").endsWith("é");
        assertThat(OutputTail.lastBytes("ab€€", 7)).as("a 3-byte character is never split").isEqualTo("...€");
    }

    @Test
    void redactsSecretsBeforeCutting() {
        ContainerSpec spec = ContainerSpec.newBuilder()
                .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("tok-123456").setFromSecret(true))
                .addEnv(EnvVar.newBuilder().setName("MODE").setValue("visible-value"))
                .addSecretFiles(SecretFiles.newBuilder().setSecretName("s").setMountPath("/s")
                        .addFiles(SecretFile.newBuilder().setName("key")
                                .setContent(ByteString.copyFromUtf8("-----BEGIN-----\nc2VjcmV0LWxpbmU=\n-----END-----\n"))))
                .build();
        String out = "using tok-123456 and visible-value\nc2VjcmV0LWxpbmU=\n" + "x".repeat(3000) + "tok-123456\n";
        String tail = OutputTail.of(utf8(out), Redactor.forOutput(spec));
        assertThat(tail).doesNotContain("tok-123456").doesNotContain("tok-1").endsWith("***");
        String short_ = OutputTail.of(utf8("using tok-123456 and visible-value\nc2VjcmV0LWxpbmU=\n"), Redactor.forOutput(spec));
        assertThat(short_).isEqualTo("using *** and visible-value\n***");
    }

    @Test
    void dropsControlCharactersAndKeepsInvalidBytesVisible() {
        byte[] raw = {'a', 0x1b, '[', '3', '1', 'm', 'b', '\r', '\n', 'c', '\t', 'd', (byte) 0xff, '\n', '\n'};
        assertThat(OutputTail.of(raw, NONE)).isEqualTo("a[31mb\nc\td\uFFFD");
        assertThat(OutputTail.of(new byte[0], NONE)).isEmpty();
    }
}
