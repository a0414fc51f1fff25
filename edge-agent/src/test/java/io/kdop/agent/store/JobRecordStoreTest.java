package io.kdop.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.engine.job.JobRecord;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.JobOutcome;
import io.kdop.proto.v1.JobSpec;
import io.kdop.proto.v1.WorkloadRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRecordStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private static JobSpec spec(String uid) {
        return JobSpec.newBuilder()
                .setContainer(ContainerSpec.newBuilder()
                        .setWorkload(WorkloadRef.newBuilder().setKind("DockerJob").setNamespace("batch").setName("n")
                                .setUid(uid))
                        .setContainerName("job-n").setImage("kdop-test/busybox:1")
                        .addEnv(EnvVar.newBuilder().setName("TOKEN").setValue("secret-value").setFromSecret(true)))
                .setBackoffLimit(2).setActiveDeadlineSeconds(60).setTtlSecondsAfterFinished(0).setSpecDigest("d1")
                .build();
    }

    private Path file(String uid) {
        return stateDir.resolve("jobs").resolve(uid + ".json");
    }

    private String[] jobFiles() throws IOException {
        try (Stream<Path> files = Files.list(stateDir.resolve("jobs"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void roundTripsEveryFieldPrivately() throws Exception {
        JobRecordStore store = JobRecordStore.open(stateDir, CLOCK);
        assertThat(store.all()).isEmpty();
        JobRecord running = JobRecord.begin(spec("u1"), T0).starting(2, "c1", "2030-01-01T00:00:01.5Z").running("c1");
        JobRecord failed = running.finish(JobRecord.State.FAILED, 3, T0.plusSeconds(9), "BackoffLimitExceeded",
                "attempt 2 of 3 exited with code 3. Last output:\nö\n", "ö\n").withContainerRemoved();
        JobRecord backoff = JobRecord.begin(spec("u2"), T0).starting(1, "", "").running("c9")
                .interrupted(137, T0.plusSeconds(20), "stopped by the Docker daemon", "");
        store.save(running);
        store.save(failed);
        store.save(backoff);

        JobRecordStore reopened = JobRecordStore.open(stateDir, CLOCK);
        assertThat(reopened.get("u1")).contains(failed);
        assertThat(reopened.get("u2")).contains(backoff);
        assertThat(reopened.get("u2").orElseThrow().interruptions()).isEqualTo(1);
        assertThat(reopened.unreadable()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file("u1")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("jobs"))))
                .isEqualTo("rwx------");
        assertThat(jobFiles()).as("no temp file left behind").containsExactly("u1.json", "u2.json");
        String json = Files.readString(file("u1"));
        assertThat(json).contains("\"state\" : \"FAILED\"").contains("\"attempts\" : 2").contains("\"specDigest\" : \"d1\"")
                .as("secret values only inside the encoded spec").doesNotContain("secret-value");
    }

    @Test
    void neverStoresTheFinishedHint() throws Exception {
        JobSpec hinted = spec("u1").toBuilder().setFinished(JobOutcome.newBuilder().setSucceeded(true)).build();
        JobRecord r = JobRecord.begin(hinted, T0);
        assertThat(r.spec().hasFinished()).isFalse();
    }

    @Test
    void aWriteCutShortLeavesThePreviousRecord() throws Exception {
        JobRecordStore store = JobRecordStore.open(stateDir, CLOCK);
        JobRecord r = JobRecord.begin(spec("u1"), T0).starting(1, "", "");
        store.save(r);
        // what a crash in the middle of AtomicFiles.write leaves: a temp file beside the intact record
        Files.writeString(stateDir.resolve("jobs/.u1.json12345.tmp"), "{\"format\":1,\"uid\":\"u1\",\"sta");
        JobRecordStore reopened = JobRecordStore.open(stateDir, CLOCK);
        assertThat(reopened.get("u1")).contains(r);
        assertThat(reopened.unreadable()).isEmpty();
    }

    @Test
    void aCorruptRecordIsSetAsideAndStaysUnreadableUntilReplaced() throws Exception {
        JobRecordStore store = JobRecordStore.open(stateDir, CLOCK);
        store.save(JobRecord.begin(spec("u1"), T0));
        store.save(JobRecord.begin(spec("u2"), T0));
        Files.writeString(file("u1"), "{\"format\":1,\"uid\":\"u1\",\"sta", StandardCharsets.UTF_8);
        Files.writeString(file("u2"), new String(Files.readAllBytes(file("u2"))).replace("\"u2\"", "\"u3\""));

        JobRecordStore reopened = JobRecordStore.open(stateDir, CLOCK);
        assertThat(reopened.all()).isEmpty();
        assertThat(reopened.unreadable()).containsExactlyInAnyOrder("u1", "u2");
        assertThat(jobFiles()).containsExactly("u1.json.corrupt-" + CLOCK.millis(), "u2.json.corrupt-" + CLOCK.millis());

        JobRecordStore again = JobRecordStore.open(stateDir, CLOCK);
        assertThat(again.unreadable("u1")).as("across restarts: never a job without a trace").isTrue();

        JobRecord failed = JobRecord.begin(spec("u1"), T0).finish(JobRecord.State.FAILED, null, T0, "JobRecordUnreadable",
                "unknown", "");
        again.save(failed);
        assertThat(again.unreadable("u1")).isFalse();
        assertThat(JobRecordStore.open(stateDir, CLOCK).unreadable()).containsExactly("u2");
        again.delete("u2");
        assertThat(JobRecordStore.open(stateDir, CLOCK).unreadable()).isEmpty();
        assertThat(jobFiles()).contains("u1.json").doesNotContain("u2.json.corrupt-" + CLOCK.millis());
    }

    @Test
    void aRecordOfAnotherFormatIsUnreadable() throws Exception {
        JobRecordStore store = JobRecordStore.open(stateDir, CLOCK);
        store.save(JobRecord.begin(spec("u1"), T0));
        Files.writeString(file("u1"), Files.readString(file("u1")).replace("\"format\" : 1", "\"format\" : 2"));
        assertThat(JobRecordStore.open(stateDir, CLOCK).unreadable("u1")).isTrue();
    }

    @Test
    void deletesAndRefusesUidsThatAreNotFileNames() throws Exception {
        JobRecordStore store = JobRecordStore.open(stateDir, CLOCK);
        store.save(JobRecord.begin(spec("u1"), T0));
        store.delete("u1");
        assertThat(store.get("u1")).isEmpty();
        assertThat(file("u1")).doesNotExist();
        assertThat(JobRecordStore.open(stateDir, CLOCK).all()).isEmpty();
        assertThatThrownBy(() -> store.save(JobRecord.begin(spec("../escape"), T0))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.delete("..")).isInstanceOf(IOException.class);
    }
}
