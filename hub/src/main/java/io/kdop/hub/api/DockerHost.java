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

/** A Docker host managed by kdop: normally an edge agent that joined with a token. */
@Group(KdopApi.GROUP)
@Version(KdopApi.VERSION)
@Kind("DockerHost")
@Plural("dockerhosts")
@ShortNames("dh")
@Categories("kdop")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Docker", jsonPath = ".status.dockerVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Platform", jsonPath = ".status.platform", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.containersRunning", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".status.agentVersion", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Heartbeat", jsonPath = ".status.lastHeartbeatTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DockerHost extends CustomResource<DockerHostSpec, DockerHostStatus> implements Namespaced {

    @Override
    protected DockerHostSpec initSpec() {
        return new DockerHostSpec();
    }
}
