package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.engine.secrets.SecretMounts;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.SecretFiles;
import org.junit.jupiter.api.Test;

class DesiredContainerSecretsTest {

    private static ContainerSpec.Builder withTwoSecretVolumes() {
        return Specs.minimal("web")
                .addSecretFiles(SecretFiles.newBuilder().setSecretName("tls").setMountPath("/etc/tls"))
                .addSecretFiles(SecretFiles.newBuilder().setSecretName("db").setMountPath("/etc/db"));
    }

    @Test
    void anAgentBindsEachSecretEntryFromItsDirectoryUnderTheStateDirectory() {
        DesiredContainer d = Specs.desired(withTwoSecretVolumes());

        assertThat(d.config().binds()).containsExactly(
                "/var/lib/kdop-agent/secrets/uid-web/0:/etc/tls:ro",
                "/var/lib/kdop-agent/secrets/uid-web/1:/etc/db:ro");
    }

    @Test
    void aPlacementThatIsNotADirectoryNamesItsOwnSourceReadOnly() {
        SecretMounts volumes = (uid, n) -> "kdop-secrets-" + uid + "-" + n;

        DesiredContainer d = DesiredContainer.of(withTwoSecretVolumes().build(), Specs.HOST_UID, volumes, Specs.MOUNTS);

        assertThat(d.config().binds()).containsExactly(
                "kdop-secrets-uid-web-0:/etc/tls:ro",
                "kdop-secrets-uid-web-1:/etc/db:ro");
    }
}
