package io.kdop.e2e.support;

import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.EnvVar;
import io.kdop.hub.api.container.EnvVarSource;
import io.kdop.hub.api.container.HealthCheck;
import io.kdop.hub.api.container.Resources;
import io.kdop.hub.api.container.SecretKeySelector;
import io.kdop.hub.api.container.SecretVolume;
import java.util.ArrayList;
import java.util.List;

/** Builds DockerContainer specs in tests the way a manifest reads. */
public final class Specs {

    private String image;
    private String containerName;
    private List<String> command;
    private final List<String> env = new ArrayList<>();
    private final List<EnvVar> envVars = new ArrayList<>();
    private final List<String> ports = new ArrayList<>();
    private String restartPolicy;
    private String host;
    private String pullSecret;
    private String pullPolicy;
    private final List<SecretVolume> secretVolumes = new ArrayList<>();
    private final List<io.kdop.hub.api.container.VolumeMount> volumes = new ArrayList<>();
    private HealthCheck healthCheck;
    private Resources resources;
    private final List<io.kdop.hub.api.container.ServicePort> services = new ArrayList<>();
    private String networkMode;

    public static Specs image(String image) {
        Specs s = new Specs();
        s.image = image;
        return s;
    }

    public Specs name(String containerName) {
        this.containerName = containerName;
        return this;
    }

    public Specs command(String... command) {
        this.command = List.of(command);
        return this;
    }

    public Specs env(String keyValue) {
        env.add(keyValue);
        return this;
    }

    public Specs envFromSecret(String name, String secret, String key) {
        envVars.add(new EnvVar(name, null, new EnvVarSource(new SecretKeySelector(secret, key))));
        return this;
    }

    public Specs port(String port) {
        ports.add(port);
        return this;
    }

    public Specs restartPolicy(String policy) {
        this.restartPolicy = policy;
        return this;
    }

    public Specs host(String host) {
        this.host = host;
        return this;
    }

    public Specs pullPolicy(String policy) {
        this.pullPolicy = policy;
        return this;
    }

    public Specs pullSecret(String secret) {
        this.pullSecret = secret;
        return this;
    }

    public Specs volume(String hostPath, String containerPath) {
        volumes.add(new io.kdop.hub.api.container.VolumeMount(hostPath, containerPath, false));
        return this;
    }

    public Specs secretVolume(String secret, String mountPath) {
        secretVolumes.add(new SecretVolume(secret, mountPath));
        return this;
    }

    public Specs healthCheck(String interval, String... test) {
        this.healthCheck = new HealthCheck(List.of(test), interval, "2s", 2, null);
        return this;
    }

    public Specs limits(String cpu, String memory) {
        this.resources = new Resources(cpu, memory);
        return this;
    }

    /** services: - {name: NAME, port: PORT, targetPort: TARGET} (the seed's tunnelled Service ports). */
    public Specs service(String name, int port, int targetPort) {
        services.add(new io.kdop.hub.api.container.ServicePort(name, port, targetPort));
        return this;
    }

    public Specs networkMode(String mode) {
        this.networkMode = mode;
        return this;
    }

    public DockerContainerSpec build() {
        return new DockerContainerSpec(image, containerName, command, env.isEmpty() ? null : List.copyOf(env),
                envVars.isEmpty() ? null : List.copyOf(envVars), ports.isEmpty() ? null : List.copyOf(ports),
                restartPolicy, host, pullSecret, null, pullPolicy, volumes.isEmpty() ? null : List.copyOf(volumes),
                secretVolumes.isEmpty() ? null : List.copyOf(secretVolumes), services.isEmpty() ? null : List.copyOf(services),
                networkMode, healthCheck, resources);
    }
}
