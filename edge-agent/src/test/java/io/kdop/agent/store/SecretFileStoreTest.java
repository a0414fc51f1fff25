package io.kdop.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kdop.engine.secrets.SecretLayout;
import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import io.kdop.proto.v1.WorkloadRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileStoreTest {

    @TempDir
    Path stateDir;

    private static SecretFile file(String name, String content) {
        return SecretFile.newBuilder().setName(name).setContent(ByteString.copyFromUtf8(content)).build();
    }

    private static ContainerSpec spec(String uid, SecretFiles... files) {
        return ContainerSpec.newBuilder().setWorkload(WorkloadRef.newBuilder().setUid(uid))
                .addAllSecretFiles(java.util.List.of(files)).build();
    }

    private static SecretFiles secret(String mountPath, SecretFile... files) {
        return SecretFiles.newBuilder().setSecretName("s").setMountPath(mountPath).addAllFiles(java.util.List.of(files))
                .build();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Object inode(Path p) throws Exception {
        return Files.readAttributes(p, "unix:ino").get("ino");
    }

    @Test
    void writesFilesBehindPrivateDirectoriesAndRewritesOnlyWhatChanged() throws Exception {
        SecretFileStore store = new SecretFileStore(new SecretLayout(stateDir.resolve("secrets")));
        SecretLayout layout = store.layout();
        ContainerSpec v1 = spec("uid-1", secret("/etc/tls", file("tls.key", "k1"), file("tls.crt", "c1")),
                secret("/etc/db", file("password", "p1")));
        assertThat(store.sync(v1)).isEqualTo(3);
        Path tls = layout.directory("uid-1", 0);
        assertThat(Files.readString(tls.resolve("tls.key"))).isEqualTo("k1");
        assertThat(Files.readString(layout.directory("uid-1", 1).resolve("password"))).isEqualTo("p1");
        for (Path dir : new Path[] {layout.root(), layout.workload("uid-1")}) {
            assertThat(mode(dir)).as("nobody on the host gets through " + dir).isEqualTo("rwx------");
        }
        assertThat(mode(tls)).as("the mounted directory, as a Kubernetes Secret volume").isEqualTo("rwxr-xr-x");
        assertThat(mode(tls.resolve("tls.key"))).as("readable by a container's non-root user").isEqualTo("rw-r--r--");

        Object keyInode = inode(tls.resolve("tls.key"));
        Object mountedCtime = Files.getAttribute(tls, "unix:ctime");
        assertThat(store.sync(v1)).as("nothing changed, nothing written").isZero();
        assertThat(Files.getAttribute(tls, "unix:ctime")).as("a mounted directory is not chmod-ed on every pass")
                .isEqualTo(mountedCtime);
        assertThat(inode(tls.resolve("tls.key"))).isEqualTo(keyInode);

        // rotation: one value changes, one key goes, one Secret entry goes
        ContainerSpec v2 = spec("uid-1", secret("/etc/tls", file("tls.key", "k2"), file("tls.crt", "c1")));
        SecretFiles tlsOnly = secret("/etc/tls", file("tls.key", "k2"));
        assertThat(store.sync(spec("uid-1", tlsOnly))).isEqualTo(3); // k2 written, tls.crt and entry 1 removed
        assertThat(Files.readString(tls.resolve("tls.key"))).isEqualTo("k2");
        assertThat(inode(tls.resolve("tls.key"))).as("a new file renamed onto the name").isNotEqualTo(keyInode);
        assertThat(tls.resolve("tls.crt")).doesNotExist();
        assertThat(layout.directory("uid-1", 1)).doesNotExist();
        assertThat(store.sync(v2)).isEqualTo(1);
        try (Stream<Path> files = Files.list(tls)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left")
                    .containsExactlyInAnyOrder("tls.key", "tls.crt");
        }
    }

    @Test
    void deletesTheFilesOfWorkloadsNoLongerDesired() throws Exception {
        SecretFileStore store = new SecretFileStore(new SecretLayout(stateDir.resolve("secrets")));
        store.sync(spec("a", secret("/s", file("k", "v"))));
        store.sync(spec("b", secret("/s", file("k", "v"))));
        store.retainOnly(Set.of("a"));
        assertThat(store.layout().workload("a")).exists();
        assertThat(store.layout().workload("b")).doesNotExist();
        store.remove("a");
        assertThat(store.layout().workload("a")).doesNotExist();
        new SecretFileStore(new SecretLayout(stateDir.resolve("never-created"))).retainOnly(Set.of());
    }

    @Test
    void writesNothingForAWorkloadWithoutSecrets() throws Exception {
        SecretFileStore store = new SecretFileStore(new SecretLayout(stateDir.resolve("secrets")));
        assertThat(store.sync(spec("plain"))).isZero();
        assertThat(stateDir.resolve("secrets")).doesNotExist();
    }
}
