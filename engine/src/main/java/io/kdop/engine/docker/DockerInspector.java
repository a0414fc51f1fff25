package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import io.kdop.engine.plan.ManagedContainers;
import io.kdop.proto.v1.HostFacts;
import io.kdop.proto.v1.ManagedContainer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads host facts and the managed-container inventory from the local Docker daemon. */
public final class DockerInspector implements HostInspector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerInspector.class);

    private static final int MAX_ERROR = 300;

    private final String dockerHost;
    private final DockerClient client;
    private boolean reachable = true; // only to log a change once, not at every heartbeat

    public DockerInspector(String dockerHost) {
        this.dockerHost = dockerHost;
        this.client = DockerClients.create(dockerHost, Duration.ofSeconds(15), 4);
    }

    @Override
    public synchronized HostSnapshot inspect() {
        try {
            Info info = client.infoCmd().exec();
            Version version = client.versionCmd().exec();
            List<ManagedContainer> inventory = client.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(ManagedContainers.MANAGED_BY, ManagedContainers.MANAGED_BY_VALUE))
                    .exec()
                    .stream()
                    .map(DockerInspector::toManaged)
                    .toList();
            if (!reachable) {
                LOG.info("Docker at {} is reachable again", dockerHost);
                reachable = true;
            }
            return new HostSnapshot(facts(info, version, inventory.size()), inventory);
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            if (reachable) {
                LOG.warn("Docker at {} is unreachable ({}); reporting the host without Docker facts", dockerHost, why);
                reachable = false;
            }
            return new HostSnapshot(HostFacts.newBuilder()
                    .setHostname(localHostname())
                    .setDockerError(bounded("cannot reach Docker at " + dockerHost + ": " + why))
                    .build(), List.of());
        }
    }

    private static HostFacts facts(Info info, Version version, int managed) {
        return HostFacts.newBuilder()
                .setDockerVersion(orEmpty(version.getVersion() != null ? version.getVersion() : info.getServerVersion()))
                .setDockerApiVersion(orEmpty(version.getApiVersion()))
                .setOs(orEmpty(info.getOsType()))
                .setArch(orEmpty(info.getArchitecture()))
                .setOperatingSystem(orEmpty(info.getOperatingSystem()))
                .setKernelVersion(orEmpty(info.getKernelVersion()))
                .setCpus(info.getNCPU() == null ? 0 : info.getNCPU())
                .setMemoryBytes(info.getMemTotal() == null ? 0 : info.getMemTotal())
                .setContainersRunning(info.getContainersRunning() == null ? 0 : info.getContainersRunning())
                .setContainersTotal(info.getContainers() == null ? 0 : info.getContainers())
                .setManagedContainers(managed)
                .setHostname(info.getName() != null ? info.getName() : localHostname())
                .build();
    }

    private static ManagedContainer toManaged(Container c) {
        List<String> names = c.getNames() == null ? List.of() : List.of(c.getNames());
        return ManagedContainers.of(c.getId(), names, c.getLabels(), c.getState());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    /** The error goes into the DockerHost's status: keep it a line, not a stack of causes. */
    private static String bounded(String message) {
        return message.length() <= MAX_ERROR ? message : message.substring(0, MAX_ERROR - 3) + "...";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
