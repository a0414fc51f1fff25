package io.kdop.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kdop.hub.api.DockerHost;
import io.kdop.hub.api.KdopApi;
import io.kdop.hub.pki.AgentIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where each host's latest join is kept, against the API stand-in: out of the users' reach. */
@EnableKubernetesMockClient(crud = true)
class ApiHostDirectoryTest {

    private static final String HUB_NS = "kdop-system";
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    KubernetesClient client;

    private ApiHostDirectory directory() {
        return new ApiHostDirectory(client, HUB_NS, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void theLatestJoinIsKeptInTheHubsNamespaceAndAUsersAnnotationDoesNotChangeIt() {
        DockerHost host = createHost("edge-1", Map.of());
        ApiHostDirectory directory = directory();
        assertThat(directory.find("edge", "edge-1")).contains(new RegisteredHost(uid(host), null));

        directory.recordGeneration(identity(host, "tok1"));
        directory.recordGeneration(identity(host, "tok2"));

        assertThat(directory.find("edge", "edge-1")).contains(new RegisteredHost(uid(host), "tok2", NOW));
        assertThat(client.secrets().inNamespace(HUB_NS).withName("kdop-agent-generation-" + uid(host)).get())
                .isNotNull();
        // a user who may patch DockerHosts writes the old generation back: it changes nothing
        annotate(host, "tok1");
        assertThat(directory.admits(identity(host, "tok1"))).isFalse();
        assertThat(directory.admits(identity(host, "tok2"))).isTrue();
    }

    @Test
    void aGenerationAnEarlierHubKeptInTheAnnotationIsTakenOverOnceThenTheRecordDecides() {
        DockerHost host = createHost("edge-2", Map.of(KdopApi.AGENT_GENERATION_ANNOTATION, "old-tok"));
        ApiHostDirectory directory = directory();

        assertThat(directory.find("edge", "edge-2")).contains(new RegisteredHost(uid(host), "old-tok", Instant.EPOCH));
        assertThat(directory.admits(identity(host, "old-tok"))).as("an agent joined under the earlier hub").isTrue();

        annotate(host, "forged");
        assertThat(directory.admits(identity(host, "forged"))).as("adopted once, not again").isFalse();
        assertThat(directory.admits(identity(host, "old-tok"))).isTrue();
    }

    @Test
    void anAgentOfAHostThatBecameDirectIsNotAdmittedWhileItIsDirect() {
        DockerHost host = createHost("edge-3", Map.of());
        ApiHostDirectory directory = directory();
        directory.recordGeneration(identity(host, "tok1"));
        assertThat(directory.admits(identity(host, "tok1"))).isTrue();

        host.setSpec(new io.kdop.hub.api.DockerHostSpec());
        host.getSpec().setHostURL("tcp://192.0.2.10:2376");
        client.resource(host).update();

        assertThat(directory.admits(identity(host, "tok1"))).as("the hub drives a direct host itself").isFalse();
        assertThat(directory.isDirect(identity(host, "tok1"))).as("and says why").isTrue();
    }

    @Test
    void anAgentOfADeletedHostIsNotToldItIsDirectWhenADirectHostTookItsName() {
        DockerHost old = createHost("edge-4", Map.of());
        AgentIdentity oldAgent = identity(old, "tok1");
        client.resources(DockerHost.class).inNamespace("edge").withName("edge-4").delete();
        DockerHost direct = new DockerHost();
        direct.getMetadata().setName("edge-4");
        direct.getMetadata().setNamespace("edge");
        direct.setSpec(new io.kdop.hub.api.DockerHostSpec());
        direct.getSpec().setHostURL("tcp://192.0.2.10:2376");
        direct = client.resources(DockerHost.class).inNamespace("edge").resource(direct).create();
        assertThat(uid(direct)).isNotEqualTo(uid(old));

        // removing hostURL would not admit it: its host is gone (HOST_REVOKED says so)
        assertThat(directory().isDirect(oldAgent)).isFalse();
        assertThat(directory().isDirect(identity(direct, "tok2"))).isTrue();
    }

    @Test
    void recordsOfDeletedOrRecreatedHostsAreForgottenAndOthersKept() {
        DockerHost kept = createHost("kept", Map.of());
        DockerHost deleted = createHost("deleted", Map.of());
        DockerHost recreated = createHost("recreated", Map.of());
        ApiHostDirectory directory = directory();
        for (DockerHost host : new DockerHost[] {kept, deleted, recreated}) {
            directory.recordGeneration(identity(host, "tok-" + host.getMetadata().getName()));
        }
        client.resources(DockerHost.class).inNamespace("edge").withName("deleted").delete();
        client.resources(DockerHost.class).inNamespace("edge").withName("recreated").delete();
        DockerHost newcomer = createHost("recreated", Map.of());
        assertThat(uid(newcomer)).isNotEqualTo(uid(recreated));

        assertThat(directory.forgetDeletedHosts()).isEqualTo(2);

        assertThat(directory.admits(identity(kept, "tok-kept"))).isTrue();
        assertThat(client.secrets().inNamespace(HUB_NS).withName("kdop-agent-generation-" + uid(deleted)).get()).isNull();
        assertThat(client.secrets().inNamespace(HUB_NS).withName("kdop-agent-generation-" + uid(recreated)).get())
                .isNull();
        assertThat(directory.find("edge", "recreated")).contains(new RegisteredHost(uid(newcomer), null));
        assertThat(directory.forgetDeletedHosts()).as("nothing left to forget").isZero();
    }

    private DockerHost createHost(String name, Map<String, String> annotations) {
        DockerHost host = new DockerHost();
        host.getMetadata().setName(name);
        host.getMetadata().setNamespace("edge");
        host.getMetadata().setAnnotations(annotations);
        return client.resources(DockerHost.class).inNamespace("edge").resource(host).create();
    }

    private void annotate(DockerHost host, String generation) {
        client.resources(DockerHost.class).inNamespace("edge").withName(host.getMetadata().getName())
                .edit(h -> {
                    h.getMetadata().setAnnotations(Map.of(KdopApi.AGENT_GENERATION_ANNOTATION, generation));
                    return h;
                });
    }

    private static String uid(DockerHost host) {
        return host.getMetadata().getUid();
    }

    private static AgentIdentity identity(DockerHost host, String generation) {
        return new AgentIdentity("edge", host.getMetadata().getName(), uid(host), generation);
    }
}
