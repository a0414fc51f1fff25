package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** What a user declares about a Docker host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerHostSpec {

    @JsonPropertyDescription("Direct mode, kept from the original operator: the Docker API URL the hub dials itself, "
            + "tcp://HOST:PORT (with tlsSecretName) or unix:///PATH for a socket the hub can reach; the hub probes it, "
            + "shows Docker's facts in the status and runs this host's workloads itself (plain TCP and Unix sockets "
            + "only if the hub runs with --direct-hosts=all). Leave empty for an agent-joined host, the default and "
            + "recommended mode: the hub then issues a join token and the agent dials out to the hub.")
    @Pattern("^(tcp|unix|https?)://.+$")
    private String hostURL;

    @JsonPropertyDescription("Direct mode only: name of a Secret (in this namespace) with ca.pem, cert.pem and key.pem, "
            + "Docker's --tlsverify client files: the hub trusts only a daemon certificate signed by ca.pem and issued "
            + "for the host in hostURL, and presents cert.pem. Required for tcp:// unless allowInsecure is set.")
    private String tlsSecretName;

    @JsonPropertyDescription("Direct mode only: set to true to let the hub dial a tcp:// hostURL without TLS. Nothing is "
            + "then encrypted or authenticated (anyone who reaches the port controls the host); the host carries the "
            + "InsecureTransport condition while it is set. Default false.")
    private Boolean allowInsecure;

    @JsonPropertyDescription("How long a join token for this host stays valid, as a Go duration (for example 24h, 90m). "
            + "Default 24h (the hub's --join-token-ttl), at most 168h (7 days): a longer one is refused with "
            + "Ready=False, reason InvalidSpec. Tokens are single-use.")
    @Pattern("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
    private String joinTokenTTL;

    @JsonPropertyDescription("Which namespaces may place workloads on this host, which host paths they may mount and "
            + "whether they may use the host's network or another container's. Without it, the host takes workloads "
            + "of its own namespace only, and they may do all of that.")
    private HostPolicySpec policy;

    public String getHostURL() {
        return hostURL;
    }

    public void setHostURL(String hostURL) {
        this.hostURL = hostURL;
    }

    public String getTlsSecretName() {
        return tlsSecretName;
    }

    public void setTlsSecretName(String tlsSecretName) {
        this.tlsSecretName = tlsSecretName;
    }

    public Boolean getAllowInsecure() {
        return allowInsecure;
    }

    public void setAllowInsecure(Boolean allowInsecure) {
        this.allowInsecure = allowInsecure;
    }

    public String getJoinTokenTTL() {
        return joinTokenTTL;
    }

    public void setJoinTokenTTL(String joinTokenTTL) {
        this.joinTokenTTL = joinTokenTTL;
    }

    public HostPolicySpec getPolicy() {
        return policy;
    }

    public void setPolicy(HostPolicySpec policy) {
        this.policy = policy;
    }
}
