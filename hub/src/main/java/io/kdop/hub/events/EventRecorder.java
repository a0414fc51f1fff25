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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core/v1) about kdop's resources, as the kubelet does: shown by
 * {@code kubectl describe} and {@code kubectl get events}, one object per resource and reason
 * whose count grows with each repeat. Best effort: an event that cannot be written is logged, never
 * retried, and never fails a reconcile.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    /** What the events API keeps of a message; longer ones are cut. */
    private static final int MAX_MESSAGE = 1024;
    static final String COMPONENT = "kdop-hub";

    private static final int HTTP_CONFLICT = 409;
    /** An event's name is at most 253 characters: the object's name, cut, and a 16-digit suffix. */
    private static final int NAME_PART = 200;

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
            String name = name(about, e);
            var event = new EventBuilder()
                    .withNewMetadata()
                        .withName(name)
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
            var inNamespace = client.v1().events().inNamespace(about.getMetadata().getNamespace());
            try {
                try {
                    inNamespace.resource(event).create();
                } catch (KubernetesClientException ex) {
                    if (ex.getCode() != HTTP_CONFLICT) {
                        throw ex;
                    }
                    // told before (a crash-looping container, a pull failing again): one event, counted
                    inNamespace.withName(name).edit(old -> new EventBuilder(old)
                            .withCount(old.getCount() == null ? 2 : old.getCount() + 1)
                            .withLastTimestamp(now)
                            .withMessage(message)
                            .build());
                }
            } catch (KubernetesClientException ex) {
                if (namespaceTerminating(ex)) {
                    LOG.debug("no event {} about {}/{}: its namespace is being deleted", e.reason(),
                            about.getMetadata().getNamespace(), about.getMetadata().getName());
                } else {
                    LOG.warn("cannot record event {} about {} {}/{}: {}", e.reason(), about.getKind(),
                            about.getMetadata().getNamespace(), about.getMetadata().getName(), ex.getMessage());
                }
            }
        }
    }

    /** The API server refuses new objects in a namespace being deleted: nobody is left to read the event. */
    private static boolean namespaceTerminating(KubernetesClientException ex) {
        return ex.getStatus() != null && ex.getStatus().getDetails() != null
                && ex.getStatus().getDetails().getCauses() != null && ex.getStatus().getDetails().getCauses().stream()
                        .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }

    /**
     * The same name for the same event about the same object, as client-go's event correlator
     * aggregates them: repeats raise the count of one event instead of adding objects without end.
     */
    static String name(HasMetadata about, KubeEvent e) {
        String objectName = about.getMetadata().getName();
        String cut = objectName.length() <= NAME_PART ? objectName : objectName.substring(0, NAME_PART);
        byte[] key = (about.getMetadata().getUid() + "/" + e.type() + "/" + e.reason())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key);
            return cut + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
