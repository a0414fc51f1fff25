package io.kdop.hub.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kdop.hub.api.job.DockerJobSpec;
import io.kdop.hub.api.job.DockerJobStatus;

/** A one-off task on a DockerHost, run to completion by the host's agent, at most as often as its policy allows. */
@Group(KdopApi.GROUP)
@Version(KdopApi.VERSION)
@Kind("DockerJob")
@Plural("dockerjobs")
@ShortNames("dj")
@Categories("kdop")
// The API server refuses an edit of a started job outright; the hub checks the same for API
// servers without CEL and says so in the Accepted condition.
@ValidationRule(value = "!has(oldSelf.status) || !has(oldSelf.status.startTime) || self.spec == oldSelf.spec",
        message = "the spec of a DockerJob cannot change once the job started; to run it again, delete the DockerJob "
                + "and create it again")
@AdditionalPrinterColumn(name = "Host", jsonPath = ".status.host", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Attempts", jsonPath = ".status.attempts", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Exit Code", jsonPath = ".status.exitCode", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Completed", jsonPath = ".status.completionTime", type = AdditionalPrinterColumn.Type.DATE,
        priority = 1)
@AdditionalPrinterColumn(name = "Container", jsonPath = ".status.containerID", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DockerJob extends CustomResource<DockerJobSpec, DockerJobStatus> implements Namespaced, HostBound {

    @Override
    public String dockerHostRef() {
        return getSpec() == null ? null : getSpec().dockerHostRef();
    }
}
