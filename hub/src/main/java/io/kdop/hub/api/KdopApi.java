package io.kdop.hub.api;

/** Names shared by every kdop resource: API group, version, and the annotations users set. */
public final class KdopApi {

    public static final String GROUP = "kdop.io.vn";
    public static final String VERSION = "v1alpha1";

    /**
     * Changing this annotation's value on a DockerHost asks the hub for a new join token (the old
     * one stops working): {@code kubectl annotate dockerhost edge-1 kdop.io.vn/token-request=$(date +%s) --overwrite}.
     */
    public static final String TOKEN_REQUEST_ANNOTATION = GROUP + "/token-request";

    /**
     * Set by the hub when an agent joins: the id of the token it used. Certificates of earlier
     * joins of the same host are refused from then on. Not meant to be edited by hand.
     */
    public static final String AGENT_GENERATION_ANNOTATION = GROUP + "/agent-generation";

    private KdopApi() {}
}
