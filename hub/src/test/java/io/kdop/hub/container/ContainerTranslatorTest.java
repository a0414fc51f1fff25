package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.EnvVarSource;
import io.kdop.hub.api.container.HealthCheck;
import io.kdop.hub.api.container.Resources;
import io.kdop.hub.api.container.SecretKeySelector;
import io.kdop.hub.api.container.SecretVolume;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.PortBinding;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerTranslatorTest {

    private static final Map<String, Optional<Map<String, byte[]>>> SECRETS = Map.of(
            "db", Optional.of(Map.of("password", bytes("s3cret"), "user", bytes("app"))),
            "regcred", Optional.of(Map.of(".dockerconfigjson", bytes("{\"auths\":{\"https://127.0.0.1:5000/v2/\":{\"auth\":\""
                    + Base64.getEncoder().encodeToString(bytes("alice:wonder")) + "\"}}}"))),
            "not-docker", Optional.of(Map.of("token", bytes("x"))),
            "seed-regcred", Optional.of(Map.of("username", bytes("kdop-test"), "password", bytes("kdop-test-password"),
                    "server", bytes("127.0.0.1:5000"))));

    @Test
    void theSeedsFullExampleTranslatesFieldByField() {
        DockerContainerSpec spec = new DockerContainerSpec("nginx:1.27", "my-nginx", List.of("nginx", "-g", "daemon off;"),
                List.of("MODE=prod", "EMPTY="),
                List.of(new EnvVar("DB_PASSWORD", null, new EnvVarSource(new SecretKeySelector("db", "password"))),
                        new EnvVar("LITERAL", "1", null)),
                List.of("8080:80", "127.0.0.1:9090:90/udp", "443"), "OnFailure", "edge-1", "regcred",
                List.of(new LocalObjectReference("regcred")), "Always",
                List.of(new VolumeMount("/srv/data", "/usr/share/nginx/html", true)),
                List.of(new SecretVolume("db", "/etc/secrets")), null, "bridge",
                new HealthCheck(List.of("curl -f http://localhost/"), "10s", "2s", 3, "1m"),
                new Resources("500m", "256Mi"));

        ContainerSpec out = valid(container(spec));

        assertThat(out.getContainerName()).isEqualTo("my-nginx");
        assertThat(out.getImage()).isEqualTo("nginx:1.27");
        assertThat(out.getPullPolicy()).isEqualTo(PullPolicy.PULL_ALWAYS);
        assertThat(out.getCommandList()).containsExactly("nginx", "-g", "daemon off;");
        assertThat(out.getEnvList()).extracting(e -> e.getName() + "=" + e.getValue() + (e.getFromSecret() ? "*" : ""))
                .containsExactly("MODE=prod", "EMPTY=", "DB_PASSWORD=s3cret*", "LITERAL=1");
        assertThat(out.getPortsList()).containsExactly(
                PortBinding.newBuilder().setHostPort(8080).setContainerPort(80).setProtocol("tcp").build(),
                PortBinding.newBuilder().setHostIp("127.0.0.1").setHostPort(9090).setContainerPort(90).setProtocol("udp").build(),
                PortBinding.newBuilder().setContainerPort(443).setProtocol("tcp").build());
        assertThat(out.getRestartPolicy()).isEqualTo(RestartPolicy.RESTART_ON_FAILURE);
        assertThat(out.getMountsList()).singleElement().satisfies(m -> {
            assertThat(m.getHostPath()).isEqualTo("/srv/data");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(out.getSecretFilesList()).singleElement().satisfies(f -> {
            assertThat(f.getMountPath()).isEqualTo("/etc/secrets");
            assertThat(f.getFilesList()).extracting(x -> x.getName() + ":" + x.getContent().toStringUtf8())
                    .containsExactly("password:s3cret", "user:app");
        });
        assertThat(out.getNetworkMode()).isEqualTo("bridge");
        assertThat(out.getHealthCheck().getTestList()).containsExactly("CMD-SHELL", "curl -f http://localhost/");
        assertThat(out.getHealthCheck().getIntervalMillis()).isEqualTo(10_000);
        assertThat(out.getHealthCheck().getStartPeriodMillis()).isEqualTo(60_000);
        assertThat(out.getResources().getNanoCpus()).isEqualTo(500_000_000L);
        assertThat(out.getResources().getMemoryBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(out.getRegistryCredentialsList()).singleElement().satisfies(c -> {
            assertThat(c.getServer()).isEqualTo("127.0.0.1:5000");
            assertThat(c.getUsername()).isEqualTo("alice");
            assertThat(c.getPassword()).isEqualTo("wonder");
        });
        assertThat(out.getWorkload().getUid()).isEqualTo("uid-1");
    }

    @Test
    void defaultsFollowTheSeed() {
        ContainerSpec out = valid(container(spec("busybox", null, null, null, null)));
        assertThat(out.getContainerName()).as("the resource's name").isEqualTo("web");
        assertThat(out.getRestartPolicy()).isEqualTo(RestartPolicy.RESTART_ALWAYS);
        assertThat(out.getPullPolicy()).isEqualTo(PullPolicy.PULL_IF_NOT_PRESENT);
    }

    @Test
    void restartPoliciesInEitherSpellingAndAnyCase() {
        assertThat(restart("always")).isEqualTo(RestartPolicy.RESTART_ALWAYS);
        assertThat(restart("Never")).isEqualTo(RestartPolicy.RESTART_NO);
        assertThat(restart("NO")).isEqualTo(RestartPolicy.RESTART_NO);
        assertThat(restart("unless-stopped")).isEqualTo(RestartPolicy.RESTART_UNLESS_STOPPED);
        assertThat(restart("ONFAILURE")).isEqualTo(RestartPolicy.RESTART_ON_FAILURE);
        assertThat(valid(container(spec("busybox", null, null, "on-failure:5", null))).getMaxRestartCount()).isEqualTo(5);
    }

    @Test
    void everyKindOfBadInputHasItsOwnReasonAndMessage() {
        assertThat(problem(spec("busybox", List.of("8080:80:70"), null, null, null)))
                .isEqualTo(new SpecProblem("InvalidPort", "spec.port \"8080:80:70\" is not [hostIP:]hostPort:containerPort[/tcp|udp]"));
        assertThat(problem(spec("busybox", List.of("70000:80"), null, null, null)).message()).contains("70000 is not between 1 and 65535");
        assertThat(problem(spec("busybox", null, null, "sometimes", null)).reason()).isEqualTo("InvalidRestartPolicy");
        assertThat(problem(spec("busybox", null, null, "on-failure:-1", null)).message()).contains("must not be negative");
        assertThat(problem(spec("busybox", List.of("999.1.1.1:80:80"), null, null, null)).message())
                .contains("is not an IPv4 address");
        assertThat(problem(spec("busybox", null, null, null, new Resources(null, "512m"))).message())
                .contains("m means milli");
        assertThat(problem(spec("busybox", null, null, null, new Resources("lots", null))))
                .satisfies(p -> assertThat(p.reason()).isEqualTo("InvalidResources"))
                .satisfies(p -> assertThat(p.message()).contains("cpuLimit \"lots\""));
        assertThat(problem(spec("busybox", null, null, null, new Resources(null, "12parsecs"))).message())
                .contains("memoryLimit \"12parsecs\"");
        assertThat(problem(spec("busybox", null, List.of("NOVALUE"), null, null)).reason()).isEqualTo("InvalidEnv");
        assertThat(problem(new DockerContainerSpec(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null)).reason()).isEqualTo("MissingImage");
        assertThat(problem(withMount(new VolumeMount("/data", "relative/path", false))))
                .isEqualTo(new SpecProblem("InvalidPath", "spec.volumeMounts.containerPath \"relative/path\" must be an absolute path"));
        assertThat(problem(new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null,
                "Sometimes", null, null, null, null, null, null)).reason()).isEqualTo("InvalidPullPolicy");
        assertThat(problem(withHealth(new HealthCheck(List.of("CMD", "true"), "soon", null, null, null))).reason())
                .isEqualTo("InvalidDuration");
    }

    @Test
    void missingSecretsAndKeysAreNamed() {
        assertThat(problem(withEnvFrom("missing", "password")))
                .isEqualTo(new SpecProblem("SecretNotFound", "spec.envVars DB: Secret missing does not exist"));
        assertThat(problem(withEnvFrom("db", "nope")))
                .isEqualTo(new SpecProblem("SecretKeyNotFound", "spec.envVars DB: Secret db has no key nope"));
        assertThat(problem(withPullSecret("not-docker")).reason()).isEqualTo("InvalidPullSecret");
        assertThat(problem(withPullSecret("ghost")).reason()).isEqualTo("SecretNotFound");
    }

    @Test
    void theSeedsOpaqueRegistrySecretBecomesTheCredentialTheAgentLogsInWith() {
        ContainerSpec out = valid(container(withPullSecret("seed-regcred")));
        assertThat(out.getRegistryCredentialsList()).singleElement().satisfies(c -> {
            assertThat(c.getServer()).isEqualTo("127.0.0.1:5000");
            assertThat(c.getUsername()).isEqualTo("kdop-test");
            assertThat(c.getPassword()).isEqualTo("kdop-test-password");
        });
    }

    @Test
    void problemMessagesNeverQuoteSecretValues() {
        Map<String, Optional<Map<String, byte[]>>> broken = Map.of("regcred",
                Optional.of(Map.of(".dockerconfigjson", bytes("{not json, password=hunter2"))));
        Translation t = ContainerTranslator.translate(container(withPullSecret("regcred")), broken);
        assertThat(((Translation.Invalid) t).first().message()).doesNotContain("hunter2");
    }

    @Test
    void referencedSecretsAreCollectedFromEveryField() {
        DockerContainerSpec spec = new DockerContainerSpec("busybox", null, null, null,
                List.of(new EnvVar("A", null, new EnvVarSource(new SecretKeySelector("one", "k")))), null, null, null, "two",
                List.of(new LocalObjectReference("three")), null, null, List.of(new SecretVolume("four", "/s")), null,
                null, null, null);
        assertThat(ContainerTranslator.referencedSecrets(spec)).containsExactly("one", "four", "two", "three");
    }

    private static RestartPolicy restart(String text) {
        return valid(container(spec("busybox", null, null, text, null))).getRestartPolicy();
    }

    private static ContainerSpec valid(DockerContainer dc) {
        Translation t = ContainerTranslator.translate(dc, SECRETS);
        assertThat(t).isInstanceOf(Translation.Valid.class);
        return ((Translation.Valid) t).spec();
    }

    private static SpecProblem problem(DockerContainerSpec spec) {
        Translation t = ContainerTranslator.translate(container(spec), SECRETS);
        assertThat(t).isInstanceOf(Translation.Invalid.class);
        return ((Translation.Invalid) t).first();
    }

    private static DockerContainerSpec spec(String image, List<String> ports, List<String> env, String restart,
            Resources resources) {
        return new DockerContainerSpec(image, null, null, env, null, ports, restart, null, null, null, null, null, null,
                null, null, null, resources);
    }

    private static DockerContainerSpec withMount(VolumeMount mount) {
        return new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null, null,
                List.of(mount), null, null, null, null, null);
    }

    private static DockerContainerSpec withHealth(HealthCheck check) {
        return new DockerContainerSpec("busybox", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, check, null);
    }

    private static DockerContainerSpec withEnvFrom(String secret, String key) {
        return new DockerContainerSpec("busybox", null, null, null,
                List.of(new EnvVar("DB", null, new EnvVarSource(new SecretKeySelector(secret, key)))), null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    private static DockerContainerSpec withPullSecret(String name) {
        return new DockerContainerSpec("busybox", null, null, null, null, null, null, null, name, null, null, null, null,
                null, null, null, null);
    }

    private static DockerContainer container(DockerContainerSpec spec) {
        DockerContainer dc = new DockerContainer();
        dc.getMetadata().setName("web");
        dc.getMetadata().setNamespace("shop");
        dc.getMetadata().setUid("uid-1");
        dc.setSpec(spec);
        return dc;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
