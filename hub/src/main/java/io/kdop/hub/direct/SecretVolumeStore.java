package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.kdop.engine.docker.DockerErrors;
import io.kdop.engine.secrets.SecretMounts;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secret files on a direct host, placed through its Docker API: the hub has no disk there. Each
 * {@code secret_files} entry of a workload is a named Docker volume ({@link SecretVolumeNames}),
 * mounted read-only by the workload's container, and filled through the archive endpoint of a
 * carrier: a container that mounts the volume read-write and is never started (the workload's own
 * mount is read-only, and the archive endpoint refuses to write into one). A changed Secret is
 * written into the volume while the workload's container runs, so it sees the new files without a
 * restart, all at once ({@link SecretVolumeContent}). Called on the reconciler's thread only.
 */
final class SecretVolumeStore implements SecretPlacement, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SecretVolumeStore.class);
    private static final String NEVER_RUN = "kdop-secrets-carrier-is-never-started";

    private final DockerClient docker;
    private final String hostUid;
    private final Clock clock;
    /** Per volume, the digest of what it was last made to hold: an unchanged entry costs one inspect a pass. */
    private final Map<String, String> placed = new HashMap<>();
    /** Per workload, the entry count above which its volumes are known to be gone. */
    private final Map<String, Integer> trimmed = new HashMap<>();

    /** @param docker a client of the host's daemon, closed with this store */
    SecretVolumeStore(DockerClient docker, String hostUid, Clock clock) {
        this.docker = docker;
        this.hostUid = hostUid;
        this.clock = clock;
    }

    @Override
    public SecretMounts layout() {
        return SecretVolumeNames::volume;
    }

    @Override
    public int sync(ContainerSpec spec) throws IOException {
        String uid = spec.getWorkload().getUid();
        int changes = 0;
        for (int n = 0; n < spec.getSecretFilesCount(); n++) {
            SecretFiles files = spec.getSecretFiles(n);
            Optional<String> problem = SecretVolumeContent.problem(files);
            if (problem.isPresent()) {
                throw new IOException(problem.get());
            }
            String volume = SecretVolumeNames.volume(uid, n);
            String digest = digest(files);
            try {
                if (digest.equals(placed.get(volume)) && carrier(volume).isPresent()) {
                    continue;
                }
                placed.remove(volume);
                changes += fill(uid, n, volume, files);
            } catch (RuntimeException e) {
                throw new IOException("Docker volume " + volume + ": " + DockerErrors.describe(e));
            }
            placed.put(volume, digest);
        }
        trimSurplus(uid, spec.getSecretFilesCount());
        return changes;
    }

    @Override
    public void remove(String workloadUid) throws IOException {
        for (String volume : volumesOf(workloadUid)) {
            drop(volume);
        }
        trimmed.remove(workloadUid);
    }

    @Override
    public void retainOnly(Set<String> keep) throws IOException {
        List<InspectVolumeResponse> volumes;
        try {
            volumes = listVolumes("label", SecretVolumeNames.ofHost(hostUid).entrySet().stream()
                    .map(l -> l.getKey() + "=" + l.getValue()).toList());
        } catch (RuntimeException e) {
            throw new IOException("cannot list the Docker volumes of secret files: " + DockerErrors.describe(e));
        }
        IOException failed = null;
        for (InspectVolumeResponse v : volumes) {
            Optional<String> uid = SecretVolumeNames.workload(v.getLabels(), hostUid);
            if (uid.isPresent() && !keep.contains(uid.get())) {
                try {
                    drop(v.getName());
                    trimmed.remove(uid.get());
                } catch (IOException e) {
                    failed = failed == null ? e : failed;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }

    /** Makes the volume hold the entry's files; @return how many files changed */
    private int fill(String uid, int n, String volume, SecretFiles files) throws IOException {
        ensureVolume(uid, n, volume);
        String carrier = carrier(volume).orElseGet(() -> createCarrier(uid, n, volume));
        Map<String, VolumeEntry> current;
        try (InputStream tar = docker.copyArchiveFromContainerCmd(carrier, SecretVolumeNames.CARRIER_MOUNT).exec()) {
            current = VolumeTar.read(tar);
        }
        SecretVolumeContent.Update update = SecretVolumeContent.plan(current, files);
        if (!update.writes().isEmpty()) {
            docker.copyArchiveToContainerCmd(carrier).withRemotePath(SecretVolumeNames.CARRIER_MOUNT)
                    .withNoOverwriteDirNonDir(false) // a former generation's directory is replaced by a file
                    .withTarInputStream(new ByteArrayInputStream(VolumeTar.write(update.writes(), clock.instant())))
                    .exec();
        }
        return update.changes();
    }

    private void ensureVolume(String uid, int n, String volume) throws IOException {
        try {
            docker.inspectVolumeCmd(volume).exec();
        } catch (NotFoundException e) {
            docker.createVolumeCmd().withName(volume).withLabels(SecretVolumeNames.labels(hostUid, uid, n)).exec();
            LOG.debug("created Docker volume {} for secret files", volume);
        }
    }

    /** The volume's carrier, if there is one; a container of that name kdop did not make is refused. */
    private Optional<String> carrier(String volume) throws IOException {
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(volume).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        if (!SecretVolumeNames.ours(c.getConfig() == null ? null : c.getConfig().getLabels(), hostUid)) {
            throw new IOException("the container name " + volume + " is taken by a container kdop did not make for "
                    + "this host's secret files; remove or rename it");
        }
        return Optional.of(c.getId());
    }

    private String createCarrier(String uid, int n, String volume) {
        try {
            return createCarrierContainer(uid, n, volume);
        } catch (NotFoundException e) {
            // the empty image is not (or no longer) there: load it, then try again
            docker.loadImageCmd(new ByteArrayInputStream(CarrierImage.archive())).exec();
            LOG.info("loaded the empty image {} that secret volume carriers are made of", CarrierImage.REFERENCE);
            return createCarrierContainer(uid, n, volume);
        }
    }

    private String createCarrierContainer(String uid, int n, String volume) {
        return docker.createContainerCmd(CarrierImage.REFERENCE).withName(volume)
                .withLabels(SecretVolumeNames.labels(hostUid, uid, n)).withCmd(NEVER_RUN).withNetworkDisabled(true)
                .withHostConfig(HostConfig.newHostConfig()
                        .withBinds(new Bind(volume, new Volume(SecretVolumeNames.CARRIER_MOUNT))))
                .exec().getId();
    }

    /**
     * Removes the volumes of entries the workload no longer has. One still mounted by the old
     * container of a spec being replaced stays until a later pass, after the replacement.
     */
    private void trimSurplus(String uid, int count) {
        if (Integer.valueOf(count).equals(trimmed.get(uid))) {
            return;
        }
        try {
            for (String volume : volumesOf(uid)) {
                if (SecretVolumeNames.index(uid, volume) >= count) {
                    drop(volume);
                }
            }
            trimmed.put(uid, count);
        } catch (IOException | RuntimeException e) {
            LOG.debug("secret volumes of workload {} not trimmed yet: {}", uid, e.getMessage());
        }
    }

    /**
     * The volumes of a workload, by name: one Docker made itself (without labels) when a container
     * was created while its volume was missing counts too.
     */
    private List<String> volumesOf(String uid) throws IOException {
        try {
            return listVolumes("name", List.of(SecretVolumeNames.prefix(uid))).stream()
                    .filter(v -> SecretVolumeNames.index(uid, v.getName()) >= 0)
                    .filter(v -> v.getLabels() == null || v.getLabels().isEmpty()
                            || SecretVolumeNames.ours(v.getLabels(), hostUid))
                    .map(InspectVolumeResponse::getName).toList();
        } catch (RuntimeException e) {
            throw new IOException("cannot list the Docker volumes of workload " + uid + ": " + DockerErrors.describe(e));
        }
    }

    /** Removes the volume's carrier, then the volume (which Docker refuses while a container mounts it). */
    private void drop(String volume) throws IOException {
        try {
            Optional<String> carrier = carrier(volume);
            if (carrier.isPresent()) {
                docker.removeContainerCmd(carrier.get()).withForce(true).exec();
            }
            docker.removeVolumeCmd(volume).exec();
            LOG.info("removed Docker volume {} of secret files", volume);
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new IOException("cannot remove Docker volume " + volume + ": " + DockerErrors.describe(e));
        } finally {
            placed.remove(volume);
        }
    }

    private List<InspectVolumeResponse> listVolumes(String filter, List<String> values) {
        List<InspectVolumeResponse> volumes = docker.listVolumesCmd().withFilter(filter, values).exec().getVolumes();
        return volumes == null ? List.of() : volumes;
    }

    /** What an entry holds, so an unchanged one is not read back from the host every pass. */
    static String digest(SecretFiles files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (SecretFile f : files.getFilesList()) {
                byte[] name = f.getName().getBytes(StandardCharsets.UTF_8);
                sha.update(HexFormat.of().toHexDigits(name.length).getBytes(StandardCharsets.US_ASCII));
                sha.update(name);
                sha.update(HexFormat.of().toHexDigits(f.getContent().size()).getBytes(StandardCharsets.US_ASCII));
                sha.update(f.getContent().toByteArray());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
