package io.kdop.hub.deployment;

import io.kdop.hub.api.DockerContainer;
import io.kdop.hub.api.DockerHost;
import java.util.List;

/**
 * Where a pass reads DockerContainers and DockerHosts from. In the hub these are the controller's
 * informer caches, so a pass costs no list request however large the fleet; they are eventually
 * consistent (a replica created a moment ago may be missing), which the writes tolerate.
 */
interface DeploymentCaches {

    /** Every DockerContainer of a namespace (owned or not: the caller filters). */
    List<DockerContainer> containers(String namespace);

    /** Every DockerHost of a namespace. */
    List<DockerHost> hosts(String namespace);

    /** A replica this process just created, so that the next pass sees it even before its watch event arrives. */
    void created(DockerContainer replica);
}
