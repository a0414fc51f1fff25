package io.kdop.hub.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kdop.hub.api.container.DockerContainerSpec;
import io.kdop.hub.api.container.DockerContainerStatus;

/** A long-running Docker container on a DockerHost, kept as declared by the host's agent. */
@Group(KdopApi.GROUP)
@Version(KdopApi.VERSION)
@Kind("DockerContainer")
@Plural("dockercontainers")
@ShortNames("dc")
@Categories("kdop")
@AdditionalPrinterColumn(name = "Host", jsonPath = ".status.host", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Health", jsonPath = ".status.health", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Restarts", jsonPath = ".status.restartCount", type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(name = "Container", jsonPath = ".status.containerID", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DockerContainer extends CustomResource<DockerContainerSpec, DockerContainerStatus>
        implements Namespaced, HostBound {

    @Override
    public String dockerHostRef() {
        return getSpec() == null ? null : getSpec().dockerHostRef();
    }
}
