package io.kdop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.Docker;
import io.kdop.e2e.support.DockerTlsFiles;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.JobSpecs;
import io.kdop.e2e.support.NetworkNamespace;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.PrivateDockerDaemon;
import io.kdop.e2e.support.Teardown;
import io.kdop.hub.api.job.DockerJobStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DockerJobs on a direct host (the seed's DockerHost with hostURL and tlsSecretName, a real
 * dockerd with --tlsverify): the hub runs the seed's DockerJob there to Complete, once; jobs the
 * hub is killed in the middle of are finished by the restarted hub, each attempt once, because
 * their records live in Secrets; and deleting a job removes its container and its record.
 */
class DirectHostJobsIT {

    private static final String IMAGE = "kdop-test/busybox:1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DATABASE_URL = "postgres://migrator:kdop-db-password@db:5432/app";
    /** The seed README's DockerJob, word for word but for the image and its command. */
    private static final String SEED_JOB = """
            apiVersion: kdop.io.vn/v1alpha1
            kind: DockerJob
            metadata:
              name: db-migrate
            spec:
              image: "%s"
              command: ["sh", "-c", "test \\"$DATABASE_URL\\" = '%s' && echo migrated"]
              dockerHostRef: "remote-host"
              restartPolicy: Never
              backoffLimit: 3
              activeDeadlineSeconds: 300
              ttlSecondsAfterFinished: 600
              envVars:
                - name: DATABASE_URL
                  valueFrom:
                    secretKeyRef:
                      name: db-credentials
                      key: connection-string
            """.formatted(IMAGE, DATABASE_URL);

    @Test
    void jobsOnTheDirectHostRunExactlyOnceThroughAHubKill(
            @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path work) throws Exception {
        Docker.requireDaemon();
        DockerTlsFiles ca = DockerTlsFiles.authority("docker-ca", work.resolve("tls"));
        int port = Ports.free();
        int hubPort = Ports.free();
        ApiServerStandIn api = new ApiServerStandIn(work);
        HubProcess hub = null;
        try (NetworkNamespace net = NetworkNamespace.create()) {
            List<Path> server = ca.serverFiles(net.innerAddress());
            try (PrivateDockerDaemon dockerd = PrivateDockerDaemon.startWithTls(work.resolve("remote-dockerd"), net,
                    port, ca.caFile(), server.get(0), server.get(1), IMAGE)) {
                Cluster cluster = new Cluster(api.client());
                hub = HubProcess.start(api, hubPort, work.resolve("hub.log"));
                Map<String, String> tls = new HashMap<>(ca.client());
                tls.put("ca.pem", ca.caPem());
                cluster.secret("docker-tls-secret", tls);
                cluster.secret("db-credentials", Map.of("connection-string", DATABASE_URL));
                apply(api, SeedCompatibilityIT.SEED_HOST.formatted(net.innerAddress() + ":" + port));
                cluster.awaitPhase("remote-host", "Connected", TIMEOUT);

                // the seed's job: to Complete, in one container, with its Secret's value
                Instant since = Instant.now();
                apply(api, SEED_JOB);
                DockerJobStatus migrated = cluster.awaitJob("db-migrate", "Succeeded",
                        s -> "Succeeded".equals(s.phase()), TIMEOUT);
                assertThat(Cluster.conditionReason(migrated, "Complete")).isNotEmpty();
                assertThat(migrated.host()).isEqualTo(Cluster.NS + "/remote-host");
                assertThat(migrated.exitCode()).isZero();
                assertThat(migrated.attempts()).isEqualTo(1);
                assertThat(dockerd.docker("logs", "job-db-migrate").output()).contains("migrated");
                assertThat(creates(dockerd, "job-db-migrate", since)).isEqualTo(1);
                String uid = cluster.job("db-migrate").getMetadata().getUid();
                assertThat(record(api, uid)).as("the record, in a Secret of the hub's namespace")
                        .contains("\"state\" : \"SUCCEEDED\"").doesNotContain(DATABASE_URL);

                // killed with one job running and one between attempts: the restarted hub reads their records,
                // finishes the first without a second container and runs the next attempt of the other (whose
                // spec only its record holds now: the hub sends a begun job's identity only)
                since = Instant.now();
                Path out = Files.createDirectories(work.resolve("retry"));
                cluster.applyJob("retry", JobSpecs.image(IMAGE).name("retry").volume(out.toString(), "/out")
                        .script("if [ -e /out/first ]; then echo second; else touch /out/first; exit 3; fi")
                        .backoffLimit(2).host("remote-host").build());
                cluster.awaitJob("retry", "waiting for its second attempt",
                        s -> Integer.valueOf(3).equals(s.exitCode()) && !s.finished(), TIMEOUT);
                cluster.applyJob("slow", JobSpecs.image(IMAGE).name("slow").script("sleep 4; echo done")
                        .host("remote-host").build());
                DockerJobStatus running = cluster.awaitJob("slow", "Running",
                        s -> "Running".equals(s.phase()) && s.containerID() != null, TIMEOUT);
                hub.kill();
                hub = HubProcess.start(api, hubPort, work.resolve("hub-2.log"));
                DockerJobStatus retried = cluster.awaitJob("retry", "Succeeded after the hub restart",
                        s -> s.finished(), TIMEOUT);
                assertThat(retried.phase()).as(retried.message()).isEqualTo("Succeeded");
                assertThat(retried.attempts()).isEqualTo(2);
                assertThat(creates(dockerd, "retry", since)).as("one container per attempt").isEqualTo(2);
                DockerJobStatus done = cluster.awaitJob("slow", "Succeeded after the hub restart",
                        s -> "Succeeded".equals(s.phase()), TIMEOUT);
                assertThat(done.containerID()).isEqualTo(running.containerID());
                assertThat(done.attempts()).as("the attempt is not counted again").isEqualTo(1);
                assertThat(done.exitCode()).isZero();
                assertThat(Cluster.conditionReason(done, "Complete")).isNotEmpty();
                assertThat(creates(dockerd, "slow", since)).as("one container create, ever").isEqualTo(1);
                assertThat(dockerd.docker("logs", "slow").output()).isEqualTo("done\n");

                // deleting a job on the direct host removes its container, then its record
                String slowUid = cluster.job("slow").getMetadata().getUid();
                cluster.deleteJob("slow", TIMEOUT);
                assertThat(dockerd.containerIds("slow")).isEmpty();
                assertThat(recordSecret(api, slowUid)).isNull();
                assertThat(Files.readString(work.resolve("hub.log")) + Files.readString(work.resolve("hub-2.log")))
                        .doesNotContain(DATABASE_URL);
            }
        } finally {
            Teardown.closeAll(hub, api);
        }
    }

    /** How many containers with this name the daemon created since then, by its events. */
    private static long creates(PrivateDockerDaemon dockerd, String name, Instant since) {
        return dockerd.docker("events", "--since", Long.toString(since.getEpochSecond() - 1), "--until",
                Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "type=container", "--filter",
                "event=create", "--format", "{{.Actor.Attributes.name}}").output().lines()
                .filter(name::equals).count();
    }

    private static Secret recordSecret(ApiServerStandIn api, String jobUid) {
        return api.client().secrets().inNamespace(HubProcess.NAMESPACE).withName("kdop-job-record-" + jobUid).get();
    }

    private static String record(ApiServerStandIn api, String jobUid) {
        Secret secret = recordSecret(api, jobUid);
        assertThat(secret).as("Secret kdop-job-record-" + jobUid).isNotNull();
        assertThat(secret.getType()).isEqualTo("kdop.io.vn/job-record");
        return new String(Base64.getDecoder().decode(secret.getData().get("record.json")), StandardCharsets.UTF_8);
    }

    private static void apply(ApiServerStandIn api, String yaml) {
        for (var item : api.client().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            item.getMetadata().setNamespace(Cluster.NS);
            api.client().resource(item).createOr(NonDeletingOperation::update);
        }
    }
}
