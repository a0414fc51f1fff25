package io.kdop.hub.direct;

import com.fasterxml.jackson.core.JacksonException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kdop.engine.job.JobRecord;
import io.kdop.engine.job.JobRecordJson;
import io.kdop.engine.store.JobRecords;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job records of one direct host, kept in Kubernetes because the hub has no disk of its own:
 * one Secret per job, {@code kdop-job-record-<job uid>} in the hub's namespace, labelled with the
 * host's uid, holding the same JSON the agent writes to its file ({@link JobRecordJson}).
 *
 * <p>Why a Secret, and why the hub's namespace: the record's spec holds the job's secret values
 * (env from Secrets, registry credentials, secret files), so a ConfigMap would show them to anyone
 * who may read ConfigMaps; the hub already may write Secrets (join records, its CA), so this takes
 * no new permission. The hub's namespace, not the job's: whoever may write Secrets in a job's
 * namespace could otherwise forge the record, and with it the spec the hub runs on the host,
 * past the hub's checks. One Secret per job, not per host: each write is small and is checked
 * against that job's last version only.
 *
 * <p>Read once when the host's engine starts (a list by the host's uid label), then kept in
 * memory: a record is in memory only once the API server has stored it. Every write carries the
 * resourceVersion this store last saw, so a newer record (another replica's) is never overwritten
 * blindly: the write fails, this store reads what is stored, and the engine decides again on that.
 * A stored record that does not parse counts as {@linkplain #unreadable unreadable} until a valid
 * one replaces it, also across restarts (it stays stored as it was, for a post-mortem): the job
 * rules then adopt the job's container or fail it, but never start it blindly.
 */
public final class SecretJobRecords implements JobRecords {

    /** The label every record carries, and its Secret type. */
    static final String LABEL = "kdop.io.vn/job-record";
    static final String TYPE = "kdop.io.vn/job-record";
    static final String HOST_UID_LABEL = "kdop.io.vn/host-uid";
    static final String KEY = "record.json";
    static final String PREFIX = "kdop-job-record-";

    private static final Logger LOG = LoggerFactory.getLogger(SecretJobRecords.class);
    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;
    /** A Kubernetes uid, as a Secret name accepts it (a DNS label). */
    private static final Pattern UID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,34}[a-z0-9])?");

    private final KubernetesClient client;
    private final String namespace;
    private final HostIdentity host;
    /** The readable records, with the resourceVersion they are stored at. */
    private final Map<String, Stored> records = new HashMap<>();
    /** The unreadable records' resourceVersions, so a valid record can replace them. */
    private final Map<String, String> unreadable = new HashMap<>();

    private record Stored(JobRecord record, String version) {}

    private SecretJobRecords(KubernetesClient client, String namespace, HostIdentity host) {
        this.client = client;
        this.namespace = namespace;
        this.host = host;
    }

    /** Reads every record of the host from the hub's namespace. */
    /** The source of every direct host's records, as Secrets in the hub's namespace. */
    public static JobRecordsSource source(KubernetesClient client, String hubNamespace) {
        return new JobRecordsSource() {
            @Override
            public JobRecords open(HostIdentity host) throws IOException {
                return SecretJobRecords.open(client, hubNamespace, host);
            }

            @Override
            public void forget(String hostUid) {
                try {
                    // one by one: the chart grants list and delete, not deletecollection
                    for (Secret record : client.secrets().inNamespace(hubNamespace).withLabel(LABEL, "true")
                            .withLabel(HOST_UID_LABEL, hostUid).list().getItems()) {
                        client.secrets().inNamespace(hubNamespace).withName(record.getMetadata().getName()).delete();
                    }
                } catch (KubernetesClientException e) {
                    LOG.warn("could not delete the job records of deleted DockerHost uid {} (Secrets labelled {}={} in "
                            + "namespace {}): {}; delete them by hand", hostUid, HOST_UID_LABEL, hostUid, hubNamespace,
                            e.getMessage());
                }
            }
        };
    }

    public static SecretJobRecords open(KubernetesClient client, String hubNamespace, HostIdentity host)
            throws IOException {
        SecretJobRecords store = new SecretJobRecords(client, hubNamespace, host);
        try {
            for (Secret secret : client.secrets().inNamespace(hubNamespace).withLabel(LABEL, "true")
                    .withLabel(HOST_UID_LABEL, host.getUid()).list().getItems()) {
                String name = secret.getMetadata().getName();
                if (name.startsWith(PREFIX)) {
                    store.take(name.substring(PREFIX.length()), secret);
                }
            }
        } catch (KubernetesClientException e) {
            throw new IOException("cannot list the job records of DockerHost " + hostKey(host) + " (Secrets labelled "
                    + HOST_UID_LABEL + "=" + host.getUid() + " in namespace " + hubNamespace + "): " + e.getMessage(),
                    e);
        }
        return store;
    }

    @Override
    public synchronized Map<String, JobRecord> all() {
        Map<String, JobRecord> all = new HashMap<>();
        records.forEach((uid, stored) -> all.put(uid, stored.record()));
        return Map.copyOf(all);
    }

    @Override
    public synchronized Optional<JobRecord> get(String uid) {
        return Optional.ofNullable(records.get(uid)).map(Stored::record);
    }

    @Override
    public synchronized boolean unreadable(String uid) {
        return unreadable.containsKey(uid);
    }

    @Override
    public synchronized Set<String> unreadable() {
        return Set.copyOf(unreadable.keySet());
    }

    /**
     * Stores the record: an update at the version last seen, or a create when none was; only once
     * the API server answered does {@link #get} return it.
     */
    @Override
    public synchronized void save(JobRecord record) throws IOException {
        String uid = checked(record.uid());
        Stored before = records.get(uid);
        if (before != null && before.record().equals(record)) {
            return;
        }
        String version = before != null ? before.version() : unreadable.get(uid);
        Secret secret = toSecret(record, version);
        Secret stored;
        try {
            stored = version == null
                    ? client.secrets().inNamespace(namespace).resource(secret).create()
                    : client.secrets().inNamespace(namespace).resource(secret).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT || (version != null && e.getCode() == NOT_FOUND)) {
                throw new IOException("the record of job " + uid + " " + reread(uid) + ", so this hub did not "
                        + "overwrite it; the job's next step is decided on what is stored");
            }
            throw new IOException("the API server did not store the record of job " + uid + ": " + e.getMessage(), e);
        }
        records.put(uid, new Stored(record, stored.getMetadata().getResourceVersion()));
        unreadable.remove(uid);
    }

    /** Deletes the job's record, unreadable or not; one that another host stored is left alone. */
    @Override
    public synchronized void delete(String uid) throws IOException {
        checked(uid);
        try {
            if (!records.containsKey(uid) && !unreadable.containsKey(uid)) {
                Secret stored = client.secrets().inNamespace(namespace).withName(PREFIX + uid).get();
                if (stored == null || !ours(stored)) {
                    return;
                }
            }
            client.secrets().inNamespace(namespace).withName(PREFIX + uid).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != NOT_FOUND) {
                throw new IOException("the API server did not delete the record of job " + uid + ": " + e.getMessage(),
                        e);
            }
        }
        records.remove(uid);
        unreadable.remove(uid);
    }

    /** After a conflict: what is stored now replaces what this store held; says what was found. */
    private String reread(String uid) {
        records.remove(uid);
        unreadable.remove(uid);
        Secret stored;
        try {
            stored = client.secrets().inNamespace(namespace).withName(PREFIX + uid).get();
        } catch (KubernetesClientException e) {
            // the job counts as unknown here until a read or a write succeeds: its container, if any, is adopted
            return "was changed by someone else, and cannot be read again (" + e.getMessage() + ")";
        }
        if (stored == null) {
            return "was deleted by someone else";
        }
        if (!ours(stored)) {
            // another DockerHost's: this host neither uses nor deletes it
            return "belongs to another DockerHost (" + HOST_UID_LABEL + "="
                    + Optional.ofNullable(stored.getMetadata().getLabels())
                    .map(labels -> labels.get(HOST_UID_LABEL)).orElse("none") + ")";
        }
        take(uid, stored);
        return "was changed by someone else since this hub read it (another hub replica?)";
    }

    private void take(String uid, Secret secret) {
        String version = secret.getMetadata().getResourceVersion();
        try {
            String data = Optional.ofNullable(secret.getData()).map(d -> d.get(KEY))
                    .orElseThrow(() -> new IllegalArgumentException("it has no key " + KEY));
            JobRecord record = JobRecordJson.decode(Base64.getDecoder().decode(data));
            if (!record.uid().equals(uid)) {
                throw new IllegalArgumentException("it is the record of job " + record.uid());
            }
            records.put(uid, new Stored(record, version));
            unreadable.remove(uid);
        } catch (IOException | RuntimeException e) {
            records.remove(uid);
            unreadable.put(uid, version);
            LOG.error("DockerHost {}: the record of job {} (Secret {}/{}{}) cannot be read ({}). The job is not "
                    + "started again: its container is adopted if there is one, else it is reported as failed",
                    hostKey(host), uid, namespace, PREFIX, uid, why(e));
        }
    }

    /** Why a record does not parse, without quoting it: a broken record may hold secret values. */
    private static String why(Exception e) {
        return e instanceof JacksonException ? "not valid JSON" : e.getMessage();
    }

    private boolean ours(Secret secret) {
        Map<String, String> labels = secret.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(LABEL)) && host.getUid().equals(labels.get(HOST_UID_LABEL));
    }

    private Secret toSecret(JobRecord record, String version) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(PREFIX + record.uid())
                    .withNamespace(namespace)
                    .withResourceVersion(version)
                    .addToLabels(LABEL, "true")
                    .addToLabels(HOST_UID_LABEL, host.getUid())
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    // for people listing the records; the labels and the record are what count
                    .addToAnnotations("kdop.io.vn/host", hostKey(host))
                    .addToAnnotations("kdop.io.vn/job", record.workload().getNamespace() + "/"
                            + record.workload().getName())
                .endMetadata()
                .withType(TYPE)
                .withData(Map.of(KEY, Base64.getEncoder().encodeToString(JobRecordJson.encode(record))))
                .build();
    }

    private static String checked(String uid) throws IOException {
        if (!UID.matcher(uid).matches()) {
            throw new IOException("'" + uid + "' is not a Kubernetes uid, so no record Secret can be named after it");
        }
        return uid;
    }

    private static String hostKey(HostIdentity host) {
        return host.getNamespace() + "/" + host.getName();
    }
}
