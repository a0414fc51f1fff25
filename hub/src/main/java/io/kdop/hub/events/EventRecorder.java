package io.kdop.hub.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kdop.hub.api.Timestamps;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core/v1) about kdop's resources, as kubectl and the kubelet do: one
 * object per event, named after the resource, shown by {@code kubectl describe} and
 * {@code kubectl get events}. Best effort: an event that cannot be written is logged, never
 * retried, and never fails a reconcile.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    /** What the events API keeps of a message; longer ones are cut. */
    private static final int MAX_MESSAGE = 1024;
    static final String COMPONENT = "kdop-hub";

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(HasMetadata about, List<KubeEvent> events) {
        for (KubeEvent e : events) {
            String now = Timestamps.format(clock.instant());
            String message = e.message().length() <= MAX_MESSAGE ? e.message()
                    : e.message().substring(0, MAX_MESSAGE - 3) + "...";
            var event = new EventBuilder()
                    .withNewMetadata()
                        // as kubectl names them: the object's name and a unique suffix
                        .withName(about.getMetadata().getName() + "." + HexFormat.of().toHexDigits(
                                ThreadLocalRandom.current().nextLong()))
                        .withNamespace(about.getMetadata().getNamespace())
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(about.getApiVersion())
                            .withKind(about.getKind())
                            .withNamespace(about.getMetadata().getNamespace())
                            .withName(about.getMetadata().getName())
                            .withUid(about.getMetadata().getUid())
                            .withResourceVersion(about.getMetadata().getResourceVersion())
                            .build())
                    .withType(e.type().name())
                    .withReason(e.reason())
                    .withMessage(message)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent("kdop.io.vn/hub")
                    .build();
            try {
                client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
            } catch (KubernetesClientException ex) {
                LOG.warn("cannot record event {} about {} {}/{}: {}", e.reason(), about.getKind(),
                        about.getMetadata().getNamespace(), about.getMetadata().getName(), ex.getMessage());
            }
        }
    }
}
