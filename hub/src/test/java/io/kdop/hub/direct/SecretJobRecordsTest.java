package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kdop.engine.job.JobRecord;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.HostIdentity;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records of a direct host's jobs in Secrets, as a restarted hub or a second replica finds them. */
@EnableKubernetesMockClient(crud = true)
class SecretJobRecordsTest {

    private static final String HUB_NAMESPACE = "kdop-system";
    private static final HostIdentity HOST = HostIdentity.newBuilder().setNamespace("edge").setName("remote")
            .setUid("0b7f6c1e-host-0001").build();
    private static final HostIdentity OTHER_HOST = HostIdentity.newBuilder().setNamespace("edge").setName("other")
            .setUid("0b7f6c1e-host-0002").build();
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String UID = "6d0e2b8a-1c1f-4a4e-9c55-3f0f0a7e1b21";

    KubernetesClient client;

    private static JobRecord begun(String uid) {
        return JobRecord.begin(JobSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder()
                        .setWorkload(WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("batch")
                                .setName("migrate").setUid(uid))
                        .setContainerName("job-migrate").setImage("kdop-test/busybox:1")
                        .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("s3cret-token").setFromSecret(true)))
                .setBackoffLimit(2).setSpecDigest("d1").build(), T0);
    }

    private SecretJobRecords open(HostIdentity host) throws IOException {
        return SecretJobRecords.open(client, HUB_NAMESPACE, host);
    }

    private Secret stored(String uid) {
        return client.secrets().inNamespace(HUB_NAMESPACE).withName(SecretJobRecords.PREFIX + uid).get();
    }

    @Test
    void aDeletedHostsRecordsGoAndAnotherHostsStay() throws Exception {
        String other = "7e1f3c9b-2d2a-4b5f-8d66-4a1a1b8f2c32";
        open(HOST).save(begun(UID));
        open(OTHER_HOST).save(begun(other));

        SecretJobRecords.source(client, HUB_NAMESPACE).forget(HOST.getUid());

        assertThat(stored(UID)).as("its record held the job's secret values").isNull();
        assertThat(stored(other)).isNotNull();
    }

    @Test
    void aRecordIsStoredInASecretOfTheHubsNamespaceAndARestartedHubReadsIt() throws Exception {
        SecretJobRecords records = open(HOST);
        assertThat(records.all()).isEmpty();
        JobRecord running = begun(UID).starting(1, "", "").running("c1");

        records.save(begun(UID));
        records.save(running);

        assertThat(records.get(UID)).contains(running);
        Secret secret = stored(UID);
        assertThat(secret.getType()).isEqualTo("kdop.io.vn/job-record");
        assertThat(secret.getMetadata().getLabels()).containsEntry("kdop.io.vn/job-record", "true")
                .containsEntry("kdop.io.vn/host-uid", HOST.getUid());
        assertThat(secret.getMetadata().getAnnotations()).containsEntry("kdop.io.vn/host", "edge/remote")
                .containsEntry("kdop.io.vn/job", "batch/migrate");
        String json = new String(Base64.getDecoder().decode(secret.getData().get("record.json")),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"state\" : \"RUNNING\"", "\"containerId\" : \"c1\"");

        SecretJobRecords restarted = open(HOST);
        assertThat(restarted.all()).containsExactly(Map.entry(UID, running));
        assertThat(restarted.unreadable()).isEmpty();
        assertThat(open(OTHER_HOST).all()).as("another host's engine").isEmpty();
    }

    @Test
    void aWriteFromAStaleVersionFailsAndTheStoredRecordIsReadInstead() throws Exception {
        SecretJobRecords mine = open(HOST);
        mine.save(begun(UID));
        SecretJobRecords stale = open(HOST); // another replica, or an engine that read before the last write
        JobRecord newer = begun(UID).starting(1, "", "");
        mine.save(newer);

        JobRecord older = begun(UID).starting(1, "", "").running("c-other");
        assertThatThrownBy(() -> stale.save(older)).isInstanceOf(IOException.class)
                .hasMessageContaining("was changed by someone else").hasMessageContaining("did not overwrite it");

        assertThat(open(HOST).get(UID)).as("what is stored").contains(newer);
        assertThat(stale.get(UID)).as("read again after the conflict").contains(newer);
        JobRecord next = newer.running("c1");
        stale.save(next); // now at the stored version
        assertThat(open(HOST).get(UID)).contains(next);
    }

    @Test
    void twoWritersCreatingTheSameRecordDoNotBothWin() throws Exception {
        SecretJobRecords first = open(HOST);
        SecretJobRecords second = open(HOST);
        JobRecord starting = begun(UID).starting(1, "", "");
        first.save(starting);

        assertThatThrownBy(() -> second.save(begun(UID))).isInstanceOf(IOException.class)
                .hasMessageContaining("was changed by someone else");

        assertThat(second.get(UID)).contains(starting);
        assertThat(open(HOST).get(UID)).contains(starting);
    }

    @Test
    void aRecordDeletedBehindItsBackIsNotRecreatedSilentlyButTheNextWriteCreatesIt() throws Exception {
        SecretJobRecords records = open(HOST);
        records.save(begun(UID));
        client.secrets().inNamespace(HUB_NAMESPACE).withName(SecretJobRecords.PREFIX + UID).delete();

        assertThatThrownBy(() -> records.save(begun(UID).starting(1, "", ""))).isInstanceOf(IOException.class)
                .hasMessageContaining("was deleted by someone else");
        assertThat(records.get(UID)).isEmpty();

        records.save(begun(UID));
        assertThat(open(HOST).get(UID)).contains(begun(UID));
    }

    @Test
    void anotherHostsRecordOfTheSameJobIsNeitherTakenNorDeleted() throws Exception {
        open(OTHER_HOST).save(begun(UID));
        SecretJobRecords records = open(HOST);

        assertThatThrownBy(() -> records.save(begun(UID))).isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to another DockerHost (kdop.io.vn/host-uid=" + OTHER_HOST.getUid());
        records.delete(UID);

        assertThat(records.get(UID)).isEmpty();
        assertThat(records.unreadable(UID)).isFalse();
        assertThat(open(OTHER_HOST).get(UID)).contains(begun(UID));
    }

    @Test
    void aRecordThatDoesNotParseIsUnreadableUntilAValidOneReplacesIt() throws Exception {
        String other = "7e1f3c9d-0000-4000-8000-000000000002";
        storeRaw(UID, "{\"format\":1,\"uid\":\"" + UID + "\",\"sta");
        open(HOST).save(begun(other));
        Secret wrongJob = stored(other);
        storeRaw("7e1f3c9d-0000-4000-8000-000000000003", new String(Base64.getDecoder().decode(
                wrongJob.getData().get("record.json")), StandardCharsets.UTF_8));

        SecretJobRecords records = open(HOST);
        assertThat(records.unreadable()).containsExactlyInAnyOrder(UID, "7e1f3c9d-0000-4000-8000-000000000003");
        assertThat(records.all()).containsOnlyKeys(other);
        assertThat(open(HOST).unreadable(UID)).as("still, after a restart").isTrue();

        JobRecord failed = begun(UID).finish(JobRecord.State.FAILED, null, T0, "RecordLost", "lost", "");
        records.save(failed);
        assertThat(records.unreadable(UID)).isFalse();
        assertThat(open(HOST).get(UID)).contains(failed);
        assertThat(open(HOST).unreadable(UID)).isFalse();
    }

    @Test
    void deleteRemovesTheRecordReadableOrNot() throws Exception {
        storeRaw(UID, "not json");
        SecretJobRecords records = open(HOST);
        String other = "7e1f3c9d-0000-4000-8000-000000000002";
        records.save(begun(other));

        records.delete(UID);
        records.delete(other);
        records.delete("7e1f3c9d-0000-4000-8000-00000000dead"); // never stored

        assertThat(records.all()).isEmpty();
        assertThat(records.unreadable()).isEmpty();
        assertThat(stored(UID)).isNull();
        assertThat(stored(other)).isNull();
        assertThat(open(HOST).all()).isEmpty();
    }

    @Test
    void aUidThatCannotNameASecretIsRefused() throws Exception {
        SecretJobRecords records = open(HOST);

        assertThatThrownBy(() -> records.save(begun("Not_A_Uid"))).isInstanceOf(IOException.class)
                .hasMessage("'Not_A_Uid' is not a Kubernetes uid, so no record Secret can be named after it");
        assertThatThrownBy(() -> records.delete("../x")).isInstanceOf(IOException.class);
    }

    private void storeRaw(String uid, String json) {
        client.secrets().inNamespace(HUB_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName(SecretJobRecords.PREFIX + uid).withNamespace(HUB_NAMESPACE)
                .addToLabels("kdop.io.vn/job-record", "true").addToLabels("kdop.io.vn/host-uid", HOST.getUid())
                .endMetadata().withType("kdop.io.vn/job-record")
                .addToData("record.json", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build()).create();
    }
}
