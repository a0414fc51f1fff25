package io.kdop.hub.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CA Secret through a whole rotation, as a user drives it with kubectl annotate. */
@EnableKubernetesMockClient(crud = true)
class CaSecretStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    KubernetesClient client;

    @Test
    void eachRequestedStepIsCarriedOutOnceAndSaysWhereTheRotationStands() {
        CaSecretStore store = new CaSecretStore(client, "kdop-system", "kdop-hub-ca");
        CaSet first = store.loadOrCreate(RANDOM);
        assertThat(store.loadOrCreate(RANDOM).pin()).as("reused, not created again").isEqualTo(first.pin());

        CaSet added = request("add", store);
        assertThat(added.phase()).isEqualTo(CaSet.Phase.ADDED);
        assertThat(added.pin()).isEqualTo(first.pin());
        assertThat(annotations()).containsEntry(CaRotation.DONE, "add");
        assertThat(annotations().get(CaRotation.STATUS)).startsWith("added at 2026-11-21T12:00:00Z: the next CA "
                + added.next().orElseThrow().pin());
        assertThat(store.reconcile(secret(), RANDOM, NOW).sameAs(added)).as("read back; not added twice").isTrue();
        assertThat(store.loadOrCreate(RANDOM).sameAs(added)).as("a hub restart mid-rotation").isTrue();

        CaSet promoted = request("promote", store);
        assertThat(promoted.pin()).isEqualTo(added.next().orElseThrow().pin());
        assertThat(promoted.previous()).contains(first.signing().certificate());
        assertThat(annotations().get(CaRotation.STATUS)).startsWith("promoted at");

        CaSet retired = request("retire", store);
        assertThat(retired.phase()).isEqualTo(CaSet.Phase.STABLE);
        assertThat(retired.trusted()).containsExactly(promoted.signing().certificate());
        assertThat(retired.retired()).containsExactly(first.signing().certificate());
        assertThat(store.read(secret(), RANDOM).sameAs(retired)).isTrue();
        assertThat(secret().getData()).containsOnlyKeys("tls.crt", "tls.key", "retired.crt");
    }

    @Test
    void aStepOutOfOrderChangesNoCaAndSaysWhy() {
        CaSecretStore store = new CaSecretStore(client, "kdop-system", "kdop-hub-ca");
        CaSet first = store.loadOrCreate(RANDOM);

        CaSet after = request("promote", store);

        assertThat(after.sameAs(first)).isTrue();
        assertThat(annotations()).containsEntry(CaRotation.STATUS,
                "promote refused: there is no next CA to promote; start with add").doesNotContainKey(CaRotation.DONE);
    }

    @Test
    void aStepIsCarriedOutOnceEvenWhenTwoReplicasReadTheSameVersion() {
        CaSecretStore store = new CaSecretStore(client, "kdop-system", "kdop-hub-ca");
        store.loadOrCreate(RANDOM);
        annotate("add");
        Secret read = secret();

        CaSet mine = store.reconcile(read, RANDOM, NOW);
        CaSet theirs = store.reconcile(read, RANDOM, NOW); // the stale version: its write must fail

        assertThat(theirs.phase()).as("what the stale version holds").isEqualTo(CaSet.Phase.STABLE);
        assertThat(store.read(secret(), RANDOM).sameAs(mine)).as("only the first next CA was stored").isTrue();
    }

    @Test
    void theWatchCarriesOutARequestAndHandsTheNewCasOn() {
        CaSecretStore store = new CaSecretStore(client, "kdop-system", "kdop-hub-ca");
        HubCas cas = new HubCas(store.loadOrCreate(RANDOM));
        try (CaSecretWatch watch = new CaSecretWatch(client, store, cas, RANDOM, Clock.systemUTC())) {
            watch.start();
            annotate("add");
            await().atMost(Duration.ofSeconds(10)).until(() -> cas.get().phase() == CaSet.Phase.ADDED);
        }
    }

    private CaSet request(String step, CaSecretStore store) {
        annotate(step);
        return store.reconcile(secret(), RANDOM, NOW);
    }

    private void annotate(String step) {
        client.secrets().inNamespace("kdop-system").withName("kdop-hub-ca")
                .edit(s -> {
                    s.getMetadata().setAnnotations(new java.util.HashMap<>(annotationsOf(s)));
                    s.getMetadata().getAnnotations().put(CaRotation.REQUEST, step);
                    return s;
                });
    }

    private Secret secret() {
        return client.secrets().inNamespace("kdop-system").withName("kdop-hub-ca").get();
    }

    private Map<String, String> annotations() {
        return annotationsOf(secret());
    }

    private static Map<String, String> annotationsOf(Secret s) {
        return s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
    }
}
