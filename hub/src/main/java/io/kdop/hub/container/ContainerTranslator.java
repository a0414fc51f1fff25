package io.kdop.hub.container;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.HealthCheck;
import io.kdop.hub.api.container.SecretVolume;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.PullPolicy;
import io.kdop.proto.v1.RegistryCredential;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a DockerContainer and the Secrets it references into the self-contained spec its agent
 * runs, or into the list of what is wrong. Pure: the Secrets are fetched before, by the caller.
 */
public final class ContainerTranslator {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private ContainerTranslator() {}

    /** The names of every Secret the spec references, so the caller can fetch them. */
    public static Set<String> referencedSecrets(DockerContainerSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        if (spec == null) {
            return names; // an object without spec (the schema does not require one) refers to nothing
        }
        for (EnvVar env : nn(spec.envVars())) {
            if (env != null && env.valueFrom() != null && env.valueFrom().secretKeyRef() != null) {
                names.add(env.valueFrom().secretKeyRef().name());
            }
        }
        nn(spec.secretVolumes()).stream().filter(Objects::nonNull).forEach(v -> names.add(v.secretName()));
        names.addAll(pullSecretNames(spec));
        names.remove(null);
        return names;
    }

    /**
     * @param secrets every referenced Secret's data by name; an absent value means the Secret does not exist
     */
    public static Translation translate(DockerContainer container, Map<String, Optional<Map<String, byte[]>>> secrets) {
        return translate(WorkloadRef.newBuilder()
                .setKind("DockerContainer")
                .setNamespace(container.getMetadata().getNamespace())
                .setName(container.getMetadata().getName())
                .setUid(container.getMetadata().getUid())
                .build(), containerName(container), container.getSpec(), secrets);
    }

    /**
     * Translates a container spec on behalf of any workload kind (a DockerJob's attempts run from
     * one, too).
     */
    static Translation translate(WorkloadRef workload, String containerName, DockerContainerSpec spec,
            Map<String, Optional<Map<String, byte[]>>> secrets) {
        List<SpecProblem> problems = new ArrayList<>();
        if (spec == null || spec.image() == null || spec.image().isBlank()) {
            return new Translation.Invalid(List.of(SpecProblem.of("MissingImage", "spec.image is required")));
        }
        if (spec.imagePullPolicy() != null && !List.of("Always", "IfNotPresent", "Never").contains(spec.imagePullPolicy())) {
            problems.add(SpecProblem.of("InvalidPullPolicy", "spec.imagePullPolicy \"" + spec.imagePullPolicy()
                    + "\" is not Always, IfNotPresent or Never"));
        }
        ContainerSpec.Builder out = ContainerSpec.newBuilder()
                .setWorkload(workload)
                .setContainerName(containerName)
                .setImage(spec.image().strip())
                .setPullPolicy(pullPolicy(spec.imagePullPolicy()))
                .addAllCommand(entries(spec.command(), "spec.command", problems))
                .setNetworkMode(spec.networkMode() == null ? "" : spec.networkMode());

        for (String kv : nn(spec.env())) {
            int eq = kv == null ? -1 : kv.indexOf('=');
            if (eq <= 0 || !ENV_NAME.matcher(kv.substring(0, eq)).matches()) {
                problems.add(SpecProblem.of("InvalidEnv", "spec.env entry \"" + kv + "\" is not KEY=VALUE"));
            } else {
                out.addEnv(io.kdop.proto.v1.EnvVar.newBuilder().setName(kv.substring(0, eq)).setValue(kv.substring(eq + 1)));
            }
        }
        for (EnvVar env : entries(spec.envVars(), "spec.envVars", problems)) {
            envVar(env, secrets, problems).ifPresent(out::addEnv);
        }
        for (String port : nn(spec.ports())) {
            attempt(problems, "InvalidPort", () -> out.addPorts(SpecFields.port(port)));
        }
        attempt(problems, "InvalidRestartPolicy", () -> {
            SpecFields.Restart restart = SpecFields.restartPolicy(spec.restartPolicy());
            out.setRestartPolicy(restart.policy()).setMaxRestartCount(restart.maxRetries());
        });
        for (VolumeMount mount : entries(spec.volumeMounts(), "spec.volumeMounts", problems)) {
            attempt(problems, "InvalidPath", () -> {
                SpecFields.absolutePath(mount.hostPath(), "volumeMounts.hostPath");
                SpecFields.absolutePath(mount.containerPath(), "volumeMounts.containerPath");
                out.addMounts(HostMount.newBuilder().setHostPath(mount.hostPath())
                        .setContainerPath(mount.containerPath()).setReadOnly(Boolean.TRUE.equals(mount.readOnly())));
            });
        }
        for (SecretVolume volume : entries(spec.secretVolumes(), "spec.secretVolumes", problems)) {
            secretFiles(volume, secrets, problems).ifPresent(out::addSecretFiles);
        }
        if (spec.healthCheck() != null) {
            healthCheck(spec.healthCheck(), out, problems);
        }
        if (spec.resources() != null) {
            if (spec.resources().cpuLimit() != null) {
                attempt(problems, "InvalidResources", () -> out.getResourcesBuilder()
                        .setNanoCpus(SpecFields.nanoCpus(spec.resources().cpuLimit())));
            }
            if (spec.resources().memoryLimit() != null) {
                attempt(problems, "InvalidResources", () -> out.getResourcesBuilder()
                        .setMemoryBytes(SpecFields.memoryBytes(spec.resources().memoryLimit())));
            }
        }
        entries(spec.imagePullSecrets(), "spec.imagePullSecrets", problems);
        for (String pullSecret : pullSecretNames(spec)) {
            registryCredentials(pullSecret, secrets, problems).forEach(out::addRegistryCredentials);
        }
        return problems.isEmpty() ? new Translation.Valid(out.build()) : new Translation.Invalid(List.copyOf(problems));
    }

    public static String containerName(DockerContainer container) {
        String name = container.getSpec() == null ? null : container.getSpec().containerName();
        return name == null || name.isBlank() ? container.getMetadata().getName() : name;
    }

    private static Optional<io.kdop.proto.v1.EnvVar> envVar(EnvVar env, Map<String, Optional<Map<String, byte[]>>> secrets,
            List<SpecProblem> problems) {
        if (env.name() == null || !ENV_NAME.matcher(env.name()).matches()) {
            problems.add(SpecProblem.of("InvalidEnv", "spec.envVars name \"" + env.name() + "\" is not a valid variable name"));
            return Optional.empty();
        }
        if (env.valueFrom() == null || env.valueFrom().secretKeyRef() == null) {
            return Optional.of(io.kdop.proto.v1.EnvVar.newBuilder().setName(env.name())
                    .setValue(env.value() == null ? "" : env.value()).build());
        }
        var ref = env.valueFrom().secretKeyRef();
        Optional<Map<String, byte[]>> secret = secrets.getOrDefault(ref.name(), Optional.empty());
        if (secret.isEmpty()) {
            problems.add(SpecProblem.of("SecretNotFound", "spec.envVars " + env.name() + ": Secret " + ref.name()
                    + " does not exist"));
            return Optional.empty();
        }
        byte[] value = secret.get().get(ref.key());
        if (value == null) {
            problems.add(SpecProblem.of("SecretKeyNotFound", "spec.envVars " + env.name() + ": Secret " + ref.name()
                    + " has no key " + ref.key()));
            return Optional.empty();
        }
        return Optional.of(io.kdop.proto.v1.EnvVar.newBuilder().setName(env.name())
                .setValue(new String(value, StandardCharsets.UTF_8)).setFromSecret(true).build());
    }

    private static Optional<SecretFiles> secretFiles(SecretVolume volume,
            Map<String, Optional<Map<String, byte[]>>> secrets, List<SpecProblem> problems) {
        try {
            SpecFields.absolutePath(volume.mountPath(), "secretVolumes.mountPath");
        } catch (IllegalArgumentException e) {
            problems.add(SpecProblem.of("InvalidPath", e.getMessage()));
            return Optional.empty();
        }
        Optional<Map<String, byte[]>> secret = secrets.getOrDefault(volume.secretName(), Optional.empty());
        if (secret.isEmpty()) {
            problems.add(SpecProblem.of("SecretNotFound", "spec.secretVolumes: Secret " + volume.secretName()
                    + " does not exist"));
            return Optional.empty();
        }
        SecretFiles.Builder files = SecretFiles.newBuilder().setSecretName(volume.secretName())
                .setMountPath(volume.mountPath());
        new TreeMap<>(secret.get()).forEach((key, content) ->
                files.addFiles(SecretFile.newBuilder().setName(key).setContent(ByteString.copyFrom(content))));
        return Optional.of(files.build());
    }

    private static void healthCheck(HealthCheck check, ContainerSpec.Builder out, List<SpecProblem> problems) {
        List<String> test = entries(check.test(), "spec.healthCheck.test", problems);
        if (test.isEmpty()) {
            problems.add(SpecProblem.of("InvalidHealthCheck", "spec.healthCheck.test is required"));
            return;
        }
        List<String> dockerTest = switch (test.getFirst()) {
            case "CMD", "CMD-SHELL", "NONE" -> test;
            default -> test.size() == 1 ? List.of("CMD-SHELL", test.getFirst()) : prepend("CMD", test);
        };
        io.kdop.proto.v1.HealthCheck.Builder hc = io.kdop.proto.v1.HealthCheck.newBuilder().addAllTest(dockerTest);
        attempt(problems, "InvalidDuration", () -> {
            if (check.interval() != null) {
                hc.setIntervalMillis(SpecFields.duration(check.interval(), "healthCheck.interval").toMillis());
            }
            if (check.timeout() != null) {
                hc.setTimeoutMillis(SpecFields.duration(check.timeout(), "healthCheck.timeout").toMillis());
            }
            if (check.startPeriod() != null) {
                hc.setStartPeriodMillis(SpecFields.duration(check.startPeriod(), "healthCheck.startPeriod").toMillis());
            }
        });
        if (check.retries() != null) {
            if (check.retries() < 0) {
                problems.add(SpecProblem.of("InvalidHealthCheck", "spec.healthCheck.retries must not be negative"));
            }
            hc.setRetries(check.retries());
        }
        out.setHealthCheck(hc);
    }

    private static List<RegistryCredential> registryCredentials(String secretName,
            Map<String, Optional<Map<String, byte[]>>> secrets, List<SpecProblem> problems) {
        Optional<Map<String, byte[]>> secret = secrets.getOrDefault(secretName, Optional.empty());
        if (secret.isEmpty()) {
            problems.add(SpecProblem.of("SecretNotFound", "image pull Secret " + secretName + " does not exist"));
            return List.of();
        }
        return PullSecrets.credentials(secretName, secret.get(), problems);
    }

    private static List<String> pullSecretNames(DockerContainerSpec spec) {
        List<String> names = new ArrayList<>();
        if (spec.imagePullSecret() != null && !spec.imagePullSecret().isBlank()) {
            names.add(spec.imagePullSecret());
        }
        nn(spec.imagePullSecrets()).stream().filter(Objects::nonNull).map(LocalObjectReference::getName)
                .filter(n -> n != null && !n.isBlank())
                .forEach(names::add);
        return names.stream().distinct().toList();
    }

    private static PullPolicy pullPolicy(String text) {
        if (text == null) {
            return PullPolicy.PULL_IF_NOT_PRESENT;
        }
        return switch (text) {
            case "Always" -> PullPolicy.PULL_ALWAYS;
            case "Never" -> PullPolicy.PULL_NEVER;
            default -> PullPolicy.PULL_IF_NOT_PRESENT;
        };
    }

    private static void attempt(List<SpecProblem> problems, String reason, Runnable step) {
        try {
            step.run();
        } catch (IllegalArgumentException e) {
            problems.add(SpecProblem.of(reason, "spec." + e.getMessage()));
        }
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }

    /**
     * The list's entries without nulls, each null a problem: JSON allows {@code [null]}, and an
     * API server without the CRD's schema (or the schema's older version) stores it as written.
     */
    static <T> List<T> entries(List<T> list, String field, List<SpecProblem> problems) {
        List<T> entries = new ArrayList<>();
        List<T> all = nn(list);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) == null) {
                problems.add(SpecProblem.of("EmptyEntry", field + "[" + i + "] is null"));
            } else {
                entries.add(all.get(i));
            }
        }
        return entries;
    }
}
