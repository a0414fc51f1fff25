package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.pull.PullErrors;
import io.kdop.proto.v1.RegistryCredential;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void removesSecretValuesAndPasswords() {
        Redactor r = Redactor.forSpec(Specs.full("web")
                .addRegistryCredentials(RegistryCredential.newBuilder().setServer("r").setUsername("u").setPassword("hunter22"))
                .build());
        assertThat(r.clean("auth hunter22 failed; env TOKEN=s3cret-value; MODE=prod"))
                .isEqualTo("auth *** failed; env TOKEN=***; MODE=prod");
        assertThat(r.clean("x".repeat(5000))).hasSize(1027);
    }

    @Test
    void tellsAnUnreachableRegistryFromARefusal() {
        assertThat(PullErrors.registryUnreachable("Get \"https://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect:"
                + " connection refused")).isTrue();
        assertThat(PullErrors.registryUnreachable("Get https://r/v2/: dial tcp: lookup r: no such host")).isTrue();
        assertThat(PullErrors.registryUnreachable("pull access denied for x, repository does not exist")).isFalse();
        assertThat(PullErrors.registryUnreachable("Head https://r/v2/x/manifests/1: no basic auth credentials")).isFalse();
        assertThat(PullErrors.registryUnreachable("manifest for x:1 not found: manifest unknown")).isFalse();
    }
}
