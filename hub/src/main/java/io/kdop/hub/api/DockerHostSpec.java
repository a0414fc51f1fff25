package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** What a user declares about a Docker host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerHostSpec {

    @JsonPropertyDescription("Direct mode, kept from the original operator: the Docker API URL the hub would dial itself "
            + "(for example tcp://1.2.3.4:2376). Leave empty for an agent-joined host, the default and recommended mode: "
            + "the hub then issues a join token and the agent dials out to the hub.")
    @Pattern("^(tcp|unix|https?)://.+$")
    private String hostURL;

    @JsonPropertyDescription("Direct mode only: name of a Secret with ca.pem, cert.pem and key.pem for the Docker API's TLS.")
    private String tlsSecretName;

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
