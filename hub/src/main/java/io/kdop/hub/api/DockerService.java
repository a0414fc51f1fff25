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
import io.kdop.hub.api.service.DockerServiceSpec;
import io.kdop.hub.api.service.DockerServiceStatus;

/**
 * A Kubernetes Service tunnel-NAME over DockerContainers, wherever they run: each connection goes
 * to one of the ready ones, in turn.
 */
@Group(KdopApi.GROUP)
@Version(KdopApi.VERSION)
@Kind("DockerService")
@Plural("dockerservices")
@ShortNames("dsvc")
@Categories("kdop")
@AdditionalPrinterColumn(name = "Service", jsonPath = ".status.serviceName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backends", jsonPath = ".status.backendsReady", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DockerService extends CustomResource<DockerServiceSpec, DockerServiceStatus> implements Namespaced {}
