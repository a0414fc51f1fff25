package io.kdop.e2e.support;

import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.EnvVarSource;
import io.kdop.hub.api.container.SecretKeySelector;
import io.kdop.hub.api.container.VolumeMount;
import io.kdop.hub.api.job.DockerJobSpec;
import java.util.ArrayList;
import java.util.List;

/** Builds DockerJob specs in tests the way a manifest reads. */
public final class JobSpecs {

    private String image;
    private String containerName;
    private List<String> command;
    private List<String> args;
    private final List<EnvVar> envVars = new ArrayList<>();
    private final List<VolumeMount> volumes = new ArrayList<>();
    private String host;
    private String restartPolicy;
    private Integer backoffLimit;
    private Long activeDeadlineSeconds;
    private Long ttlSecondsAfterFinished;

    public static JobSpecs image(String image) {
        JobSpecs s = new JobSpecs();
        s.image = image;
        return s;
    }

    public JobSpecs name(String containerName) {
        this.containerName = containerName;
        return this;
    }

    /** A shell script as the job: command ["sh", "-c"], args [script]. */
    public JobSpecs script(String script) {
        this.command = List.of("sh", "-c");
        this.args = List.of(script);
        return this;
    }

    public JobSpecs envFromSecret(String name, String secret, String key) {
        envVars.add(new EnvVar(name, null, new EnvVarSource(new SecretKeySelector(secret, key))));
        return this;
    }

    public JobSpecs volume(String hostPath, String containerPath) {
        volumes.add(new VolumeMount(hostPath, containerPath, false));
        return this;
    }

    public JobSpecs host(String host) {
        this.host = host;
        return this;
    }

    public JobSpecs restartPolicy(String policy) {
        this.restartPolicy = policy;
        return this;
    }

    public JobSpecs backoffLimit(int limit) {
        this.backoffLimit = limit;
        return this;
    }

    public JobSpecs activeDeadlineSeconds(long seconds) {
        this.activeDeadlineSeconds = seconds;
        return this;
    }

    public JobSpecs ttlSecondsAfterFinished(long seconds) {
        this.ttlSecondsAfterFinished = seconds;
        return this;
    }

    public DockerJobSpec build() {
        return new DockerJobSpec(image, containerName, command, args, null, envVars.isEmpty() ? null : List.copyOf(envVars),
                volumes.isEmpty() ? null : List.copyOf(volumes), null, host, null, null, null, restartPolicy,
                backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished, null);
    }
}
