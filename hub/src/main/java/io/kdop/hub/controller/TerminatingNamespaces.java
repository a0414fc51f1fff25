package io.kdop.hub.controller;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether a namespace is being deleted, as the API server tells; false when it cannot be read. */
public final class TerminatingNamespaces implements Predicate<String> {

    private static final Logger LOG = LoggerFactory.getLogger(TerminatingNamespaces.class);
    private final KubernetesClient client;

    public TerminatingNamespaces(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean test(String namespace) {
        try {
            Namespace ns = client.namespaces().withName(namespace).get();
            return ns == null || ns.getMetadata().getDeletionTimestamp() != null
                    || ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase());
        } catch (KubernetesClientException e) {
            LOG.warn("cannot read namespace {} ({}): a DockerHost deleted there lets go at once", namespace,
                    e.getMessage());
            return false;
        }
    }
}
