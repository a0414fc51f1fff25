package io.kdop.hub.deployment;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerDeployment;
import io.kdop.hub.api.DockerHost;
import java.util.List;
import java.util.Objects;

/**
 * {@link DeploymentCaches} over the DockerDeployment controller's own event sources: the informers
 * that already watch DockerContainers and DockerHosts to wake deployments. Attached once JOSDK has
 * asked the controller for its event sources, before any pass runs.
 */
final class InformerCaches implements DeploymentCaches {

    private volatile InformerEventSource<DockerContainer, DockerDeployment> containers;
    private volatile InformerEventSource<DockerHost, DockerDeployment> hosts;

    void attach(InformerEventSource<DockerContainer, DockerDeployment> containers,
            InformerEventSource<DockerHost, DockerDeployment> hosts) {
        this.containers = containers;
        this.hosts = hosts;
    }

    @Override
    public List<DockerContainer> containers(String namespace) {
        return source(containers).list(namespace).toList();
    }

    @Override
    public List<DockerHost> hosts(String namespace) {
        return source(hosts).list(namespace).toList();
    }

    @Override
    public void created(DockerContainer replica) {
        // JOSDK's temporary cache: read-your-writes until the informer has the object itself
        source(containers).handleRecentResourceCreate(ResourceID.fromResource(replica), replica);
    }

    private static <T> T source(T source) {
        return Objects.requireNonNull(source, "the DockerDeployment controller's event sources are not prepared yet");
    }
}
