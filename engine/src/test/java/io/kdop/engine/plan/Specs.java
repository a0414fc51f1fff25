package io.kdop.engine.plan;

import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HealthCheck;
import io.kdop.proto.v1.HostMount;
import io.kdop.proto.v1.PortBinding;
import io.kdop.proto.v1.Resources;
import io.kdop.proto.v1.RestartPolicy;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds specs, and containers as Docker reports them, for the reconciler's unit tests. */
public final class Specs {

    public static final String HOST_UID = "host-uid-1";
    public static final SecretLayout SECRETS = new SecretLayout(Path.of("/var/lib/kdop-agent/secrets"));
    /** Host paths taken as written: no links on this pretend host. */
    public static final MountGuard MOUNTS = MountGuard.of(Path.of("/var/lib/kdop-agent"), "unix:///var/run/docker.sock",
            path -> new HostPathResolver.Resolved(path.normalize(), List.of()));
    /** The defaults of the test image: Docker merges them into every container. */
    public static final ImageDefaults IMAGE = new ImageDefaults(List.of("/bin/sh"), List.of(), List.of("PATH=/bin"), null);
    public static final String IMAGE_ID = "sha256:image";

    private Specs() {}

    public static WorkloadRef workload(String name) {
        return WorkloadRef.newBuilder().setKind("DockerContainer").setNamespace("shop").setName(name)
                .setUid("uid-" + name).build();
    }

    /** A spec with a bit of everything. */
    public static ContainerSpec.Builder full(String name) {
        return ContainerSpec.newBuilder()
                .setWorkload(workload(name))
                .setContainerName(name)
                .setImage("kdop-test/busybox:1")
                .addAllCommand(List.of("sleep", "3600"))
                .addEnv(EnvVar.newBuilder().setName("MODE").setValue("prod"))
                .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("s3cret-value").setFromSecret(true))
                .addPorts(PortBinding.newBuilder().setHostPort(8080).setContainerPort(80))
                .setRestartPolicy(RestartPolicy.RESTART_ALWAYS)
                .addMounts(HostMount.newBuilder().setHostPath("/srv/data").setContainerPath("/data").setReadOnly(true))
                .setHealthCheck(HealthCheck.newBuilder().addAllTest(List.of("CMD", "true")).setIntervalMillis(1000)
                        .setRetries(3))
                .setResources(Resources.newBuilder().setNanoCpus(500_000_000).setMemoryBytes(64L << 20));
    }

    public static ContainerSpec.Builder minimal(String name) {
        return ContainerSpec.newBuilder().setWorkload(workload(name)).setContainerName(name).setImage("kdop-test/busybox:1");
    }

    public static DesiredContainer desired(ContainerSpec.Builder spec) {
        return DesiredContainer.of(spec.build(), HOST_UID, SECRETS, MOUNTS);
    }

    public static RuntimeState state(String status) {
        return new RuntimeState(status, "", status.equals("running") ? "172.17.0.2" : "", 0,
                "2030-01-01T00:00:00.000000001Z", status.equals("exited") ? 1 : 0, false, "",
                status.equals("exited") ? "2030-01-01T00:01:00Z" : "");
    }

    /** The container Docker reports after kdop created {@code d} from the test image: Docker's merge applied. */
    public static ObservedContainer observed(DesiredContainer d, String status) {
        ContainerConfig c = d.config();
        boolean ownEntrypoint = !c.entrypoint().isEmpty();
        List<String> env = new ArrayList<>(c.env());
        IMAGE.env().stream().filter(e -> c.env().stream().noneMatch(o -> o.startsWith(e.substring(0, e.indexOf('=') + 1))))
                .forEach(env::add);
        ContainerConfig merged = new ContainerConfig(c.image(),
                !c.cmd().isEmpty() ? c.cmd() : ownEntrypoint ? List.of() : IMAGE.cmd(),
                ownEntrypoint ? c.entrypoint() : IMAGE.entrypoint(),
                env, c.restartPolicy(), c.maxRetries(), c.ports(), c.binds(),
                c.health() == null ? IMAGE.health() : c.health().over(IMAGE.health()),
                c.nanoCpus(), c.memoryBytes(), c.networkMode().isEmpty() ? "default" : c.networkMode());
        return new ObservedContainer("id-" + d.name(), d.name(), d.labels(), IMAGE_ID, merged, state(status));
    }

    public static ObservedContainer withConfig(ObservedContainer o, ContainerConfig config) {
        return new ObservedContainer(o.id(), o.name(), o.labels(), o.imageId(), config, o.state());
    }

    public static ObservedContainer withLabel(ObservedContainer o, String key, String value) {
        Map<String, String> labels = new LinkedHashMap<>(o.labels());
        labels.put(key, value);
        return new ObservedContainer(o.id(), o.name(), labels, o.imageId(), o.config(), o.state());
    }

    public static ObservedState observedState(List<ObservedContainer> managed, Map<String, NameHolder> holders) {
        return new ObservedState(managed, holders, java.util.Set.of("kdop-test/busybox:1"), Map.of(IMAGE_ID, IMAGE));
    }
}
