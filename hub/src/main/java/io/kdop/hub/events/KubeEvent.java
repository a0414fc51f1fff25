package io.kdop.hub.events;

/** A Kubernetes Event to record about a resource: what `kubectl describe` lists under Events. */
public record KubeEvent(Type type, String reason, String message) {

    /** Kubernetes' two event types. */
    public enum Type {
        Normal, Warning
    }

    static KubeEvent normal(String reason, String message) {
        return new KubeEvent(Type.Normal, reason, message);
    }

    static KubeEvent warning(String reason, String message) {
        return new KubeEvent(Type.Warning, reason, message);
    }
}
