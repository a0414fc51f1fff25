package io.kdop.engine.plan;

import static io.kdop.engine.plan.Specs.full;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.PortBinding;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RegistryCredential;
import io.kdop.proto.v1.RestartPolicy;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SpecHashTest {

    private static final ContainerSpec BASE = full("web")
            .addPorts(PortBinding.newBuilder().setHostIp("127.0.0.1").setHostPort(8443).setContainerPort(443))
            .addMounts(HostMount.newBuilder().setHostPath("/srv/logs").setContainerPath("/logs"))
            .addSecretFiles(SecretFiles.newBuilder().setSecretName("tls").setMountPath("/etc/tls")
                    .addFiles(SecretFile.newBuilder().setName("tls.key").setContent(ByteString.copyFromUtf8("key-1"))))
            .build();

    private static String hash(UnaryOperator<ContainerSpec.Builder> change) {
        return SpecHash.of(change.apply(BASE.toBuilder()).build());
    }

    @Test
    void isStableAndHex() {
        assertThat(SpecHash.of(BASE)).matches("[0-9a-f]{64}").isEqualTo(SpecHash.of(BASE.toBuilder().build()));
    }

    @Test
    void changesWithEveryContainerDefiningField() {
        String base = SpecHash.of(BASE);
        List<UnaryOperator<ContainerSpec.Builder>> changes = List.of(
                b -> b.setContainerName("web2"),
                b -> b.setImage("kdop-test/busybox:2"),
                b -> b.addCommand("extra"),
                b -> b.addEntrypoint("/bin/sh"),
                b -> b.setEnv(0, b.getEnv(0).toBuilder().setValue("dev")),
                b -> b.setEnv(1, b.getEnv(1).toBuilder().setValue("rotated-secret")), // a value from a Secret
                b -> b.addEnv(EnvVar.newBuilder().setName("NEW").setValue("")),
                b -> b.setPorts(0, b.getPorts(0).toBuilder().setHostPort(8081)),
                b -> b.setPorts(0, b.getPorts(0).toBuilder().setProtocol("udp")),
                b -> b.setRestartPolicy(RestartPolicy.RESTART_NO),
                b -> b.setRestartPolicy(RestartPolicy.RESTART_ON_FAILURE).setMaxRestartCount(2),
                b -> b.setMounts(0, b.getMounts(0).toBuilder().setReadOnly(false)),
                b -> b.setSecretFiles(0, b.getSecretFiles(0).toBuilder().setMountPath("/etc/other")),
                b -> b.setSecretFiles(0, b.getSecretFiles(0).toBuilder().setSecretName("other")),
                b -> b.setNetworkMode("host"),
                b -> b.setHealthCheck(b.getHealthCheck().toBuilder().setRetries(9)),
                b -> b.clearHealthCheck(),
                b -> b.setResources(b.getResources().toBuilder().setNanoCpus(1)),
                b -> b.setResources(b.getResources().toBuilder().setMemoryBytes(1)));
        for (UnaryOperator<ContainerSpec.Builder> change : changes) {
            assertThat(hash(change)).as(change.apply(BASE.toBuilder()).build().toString()).isNotEqualTo(base);
        }
    }

    @Test
    void ignoresWhatChangesInPlaceOrDoesNotChangeTheContainer() {
        String base = SpecHash.of(BASE);
        List<UnaryOperator<ContainerSpec.Builder>> changes = List.of(
                // secret file contents and keys: rewritten in place, no restart
                b -> b.setSecretFiles(0, b.getSecretFiles(0).toBuilder().setFiles(0,
                        SecretFile.newBuilder().setName("tls.key").setContent(ByteString.copyFromUtf8("key-2")))),
                b -> b.setSecretFiles(0, b.getSecretFiles(0).toBuilder()
                        .addFiles(SecretFile.newBuilder().setName("tls.crt").setContent(ByteString.copyFromUtf8("crt")))),
                b -> b.addRegistryCredentials(RegistryCredential.newBuilder().setServer("docker.io").setPassword("pw")),
                b -> b.setPullPolicy(PullPolicy.PULL_ALWAYS),
                b -> b.setWorkload(b.getWorkload().toBuilder().setName("renamed-cr")),
                b -> b.setEnv(1, b.getEnv(1).toBuilder().setFromSecret(false)),
                // max retries mean nothing to Docker unless the policy is on-failure
                b -> b.setMaxRestartCount(7),
                // the default protocol spelled out
                b -> b.setPorts(0, b.getPorts(0).toBuilder().setProtocol("tcp")));
        for (UnaryOperator<ContainerSpec.Builder> change : changes) {
            assertThat(hash(change)).as(change.apply(BASE.toBuilder()).build().toString()).isEqualTo(base);
        }
    }

    @Test
    void keepsOrderOnlyWhereDockerGivesItMeaning() {
        String base = SpecHash.of(BASE);
        // env, ports and mounts: order carries no meaning
        assertThat(hash(b -> {
            List<EnvVar> env = List.copyOf(b.getEnvList()).reversed();
            return b.clearEnv().addAllEnv(env);
        })).isEqualTo(base);
        assertThat(hash(b -> {
            List<PortBinding> ports = List.copyOf(b.getPortsList()).reversed();
            return b.clearPorts().addAllPorts(ports);
        })).isEqualTo(base);
        assertThat(hash(b -> {
            List<HostMount> mounts = List.copyOf(b.getMountsList()).reversed();
            return b.clearMounts().addAllMounts(mounts);
        })).isEqualTo(base);
        // command arguments: order is the meaning
        ContainerSpec ab = full("web").clearCommand().addAllCommand(List.of("a", "b")).build();
        ContainerSpec ba = full("web").clearCommand().addAllCommand(List.of("b", "a")).build();
        assertThat(SpecHash.of(ab)).isNotEqualTo(SpecHash.of(ba));
        // two values of one name: the order decides which one a process sees
        ContainerSpec xy = full("web").clearEnv().addEnv(env("X", "1")).addEnv(env("X", "2")).build();
        ContainerSpec yx = full("web").clearEnv().addEnv(env("X", "2")).addEnv(env("X", "1")).build();
        assertThat(SpecHash.of(xy)).isNotEqualTo(SpecHash.of(yx));
    }

    @Test
    void theAttemptKeyAlsoChangesWithCredentialsAndPullPolicy() {
        String attempt = SpecHash.attempt(BASE);
        ContainerSpec fixedSecret = BASE.toBuilder().addRegistryCredentials(RegistryCredential.newBuilder()
                .setServer("127.0.0.1:5000").setUsername("u").setPassword("right")).build();
        ContainerSpec always = BASE.toBuilder().setPullPolicy(PullPolicy.PULL_ALWAYS).build();
        assertThat(SpecHash.of(fixedSecret)).isEqualTo(SpecHash.of(BASE));
        assertThat(SpecHash.attempt(fixedSecret)).isNotEqualTo(attempt).doesNotContain("right");
        assertThat(SpecHash.attempt(always)).isNotEqualTo(attempt);
        assertThat(SpecHash.attempt(BASE.toBuilder().build())).isEqualTo(attempt);
    }

    @Test
    void cannotBeFooledByShiftingCharactersBetweenFields() {
        ContainerSpec a = full("web").clearCommand().addAllCommand(List.of("ab", "c")).build();
        ContainerSpec b = full("web").clearCommand().addAllCommand(List.of("a", "bc")).build();
        assertThat(SpecHash.of(a)).isNotEqualTo(SpecHash.of(b));
    }

    private static EnvVar env(String name, String value) {
        return EnvVar.newBuilder().setName(name).setValue(value).build();
    }
}
