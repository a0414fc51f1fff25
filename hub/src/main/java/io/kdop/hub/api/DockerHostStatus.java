package io.kdop.hub.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the hub observes about a Docker host, written only by the hub. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerHostStatus {

    @JsonPropertyDescription("Pending (no agent has connected yet), Connected (the agent's heartbeats arrive), or "
            + "Disconnected (no heartbeat within the hub's grace period). A direct host (spec.hostURL) is Connected while "
            + "its Docker API answers the hub's probe, Pending or Disconnected otherwise, with the reason in Ready.")
    private String phase;

    @JsonPropertyDescription("The Ready condition says whether the host can run workloads now, and why not; a direct "
            + "host reached over plain TCP also carries InsecureTransport.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation the hub last acted on.")
    private Long observedGeneration;

    @JsonPropertyDescription("When the hub last heard from the agent (refreshed at most every half heartbeat grace "
            + "period, to spare the API server).")
    private String lastHeartbeatTime;

    @JsonPropertyDescription("When the agent joined with its token.")
    private String joinedAt;

    @JsonPropertyDescription("Name of the Secret (in this namespace) holding the join token and the join commands "
            + "(join-command, join-command-docker, join-command-systemd), while a token is outstanding. "
            + "Readable by whoever may read Secrets here; deleted once used.")
    private String joinSecretName;

    @JsonPropertyDescription("Id (the public half) of the outstanding join token.")
    private String joinTokenId;

    @JsonPropertyDescription("When the outstanding join token expires.")
    private String joinTokenExpiresAt;

    @JsonPropertyDescription("The last value of the kdop.io.vn/token-request annotation the hub issued a token for.")
    private String tokenRequest;

    @JsonPropertyDescription("Version of the edge agent.")
    private String agentVersion;

    @JsonPropertyDescription("Version of the Docker engine on the host.")
    private String dockerVersion;

    @JsonPropertyDescription("Operating system family as Docker reports it, for example linux.")
    private String os;

    @JsonPropertyDescription("CPU architecture as Docker reports it, for example x86_64 or aarch64.")
    private String arch;

    @JsonPropertyDescription("os/arch, for the printer column.")
    private String platform;

    @JsonPropertyDescription("Human-readable operating system of the host, for example Debian GNU/Linux 12 (bookworm).")
    private String operatingSystem;

    @JsonPropertyDescription("Kernel version of the host.")
    private String kernelVersion;

    @JsonPropertyDescription("Number of CPUs Docker can use.")
    private Integer cpus;

    @JsonPropertyDescription("Memory Docker can use, in bytes.")
    private Long memoryBytes;

    @JsonPropertyDescription("Running containers on the host, managed by kdop or not.")
    private Integer containersRunning;

    @JsonPropertyDescription("Containers on the host that kdop manages.")
    private Integer managedContainers;

    @JsonPropertyDescription("Revision of the desired state the hub holds for this host.")
    private Long desiredRevision;

    @JsonPropertyDescription("Revision of the desired state the agent last confirmed it applied.")
    private Long appliedRevision;

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLastHeartbeatTime() {
        return lastHeartbeatTime;
    }

    public void setLastHeartbeatTime(String lastHeartbeatTime) {
        this.lastHeartbeatTime = lastHeartbeatTime;
    }

    public String getJoinedAt() {
        return joinedAt;
    }

    public void setJoinedAt(String joinedAt) {
        this.joinedAt = joinedAt;
    }

    public String getJoinSecretName() {
        return joinSecretName;
    }

    public void setJoinSecretName(String joinSecretName) {
        this.joinSecretName = joinSecretName;
    }

    public String getJoinTokenId() {
        return joinTokenId;
    }

    public void setJoinTokenId(String joinTokenId) {
        this.joinTokenId = joinTokenId;
    }

    public String getJoinTokenExpiresAt() {
        return joinTokenExpiresAt;
    }

    public void setJoinTokenExpiresAt(String joinTokenExpiresAt) {
        this.joinTokenExpiresAt = joinTokenExpiresAt;
    }

    public String getTokenRequest() {
        return tokenRequest;
    }

    public void setTokenRequest(String tokenRequest) {
        this.tokenRequest = tokenRequest;
    }

    public String getAgentVersion() {
        return agentVersion;
    }

    public void setAgentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
    }

    public String getDockerVersion() {
        return dockerVersion;
    }

    public void setDockerVersion(String dockerVersion) {
        this.dockerVersion = dockerVersion;
    }

    public String getOs() {
        return os;
    }

    public void setOs(String os) {
        this.os = os;
    }

    public String getArch() {
        return arch;
    }

    public void setArch(String arch) {
        this.arch = arch;
    }

    public String getPlatform() {
        return platform;
    }

    public void setPlatform(String platform) {
        this.platform = platform;
    }

    public String getOperatingSystem() {
        return operatingSystem;
    }

    public void setOperatingSystem(String operatingSystem) {
        this.operatingSystem = operatingSystem;
    }

    public String getKernelVersion() {
        return kernelVersion;
    }

    public void setKernelVersion(String kernelVersion) {
        this.kernelVersion = kernelVersion;
    }

    public Integer getCpus() {
        return cpus;
    }

    public void setCpus(Integer cpus) {
        this.cpus = cpus;
    }

    public Long getMemoryBytes() {
        return memoryBytes;
    }

    public void setMemoryBytes(Long memoryBytes) {
        this.memoryBytes = memoryBytes;
    }

    public Integer getContainersRunning() {
        return containersRunning;
    }

    public void setContainersRunning(Integer containersRunning) {
        this.containersRunning = containersRunning;
    }

    public Integer getManagedContainers() {
        return managedContainers;
    }

    public void setManagedContainers(Integer managedContainers) {
        this.managedContainers = managedContainers;
    }

    public Long getDesiredRevision() {
        return desiredRevision;
    }

    public void setDesiredRevision(Long desiredRevision) {
        this.desiredRevision = desiredRevision;
    }

    public Long getAppliedRevision() {
        return appliedRevision;
    }

    public void setAppliedRevision(Long appliedRevision) {
        this.appliedRevision = appliedRevision;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DockerHostStatus that)) {
            return false;
        }
        return Objects.equals(phase, that.phase) && Objects.equals(conditions, that.conditions)
                && Objects.equals(observedGeneration, that.observedGeneration)
                && Objects.equals(lastHeartbeatTime, that.lastHeartbeatTime) && Objects.equals(joinedAt, that.joinedAt)
                && Objects.equals(joinSecretName, that.joinSecretName) && Objects.equals(joinTokenId, that.joinTokenId)
                && Objects.equals(joinTokenExpiresAt, that.joinTokenExpiresAt)
                && Objects.equals(tokenRequest, that.tokenRequest) && Objects.equals(agentVersion, that.agentVersion)
                && Objects.equals(dockerVersion, that.dockerVersion) && Objects.equals(os, that.os)
                && Objects.equals(arch, that.arch) && Objects.equals(platform, that.platform)
                && Objects.equals(operatingSystem, that.operatingSystem)
                && Objects.equals(kernelVersion, that.kernelVersion) && Objects.equals(cpus, that.cpus)
                && Objects.equals(memoryBytes, that.memoryBytes)
                && Objects.equals(containersRunning, that.containersRunning)
                && Objects.equals(managedContainers, that.managedContainers)
                && Objects.equals(desiredRevision, that.desiredRevision)
                && Objects.equals(appliedRevision, that.appliedRevision);
    }

    @Override
    public int hashCode() {
        return Objects.hash(phase, observedGeneration, lastHeartbeatTime, joinTokenId, dockerVersion);
    }
}
