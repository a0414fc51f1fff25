package io.kdop.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdop.agent.TestPki;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    private static final HostIdentity HOST =
            HostIdentity.newBuilder().setNamespace("edge").setName("edge-1").setUid("uid-1").build();

    @TempDir
    Path stateDir;

    private static StoredIdentity identity(TestPki.Issued ca) throws Exception {
        KeyAndCsr key = KeyAndCsr.generate();
        Instant now = Instant.now();
        return new StoredIdentity("hub.example:30000", HOST, "abcd1234", key.keyPair().getPrivate(),
                TestPki.client(ca, key.keyPair().getPublic(), "urn:kdop:dockerhost:edge:edge-1:uid-1",
                        now, now.plus(Duration.ofHours(24))),
                List.of(ca.certificate()));
    }

    @Test
    void roundTrips() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        assertThat(store.load()).isEmpty();
        StoredIdentity saved = identity(TestPki.ca("ca"));
        store.save(saved);
        assertThat(new IdentityStore(stateDir).load()).contains(saved);
    }

    @Test
    void keepsTheDirectoryAndFilesPrivate() throws Exception {
        IdentityStore store = new IdentityStore(stateDir);
        store.save(identity(TestPki.ca("ca")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory()))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(store.directory())) {
            List<Path> all = files.toList();
            assertThat(all).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("key.pem", "cert.pem", "ca.pem", "identity.properties");
            for (Path file : all) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void replacesTheWholeIdentity() throws Exception {
        TestPki.Issued ca = TestPki.ca("ca");
        IdentityStore store = new IdentityStore(stateDir);
        store.save(identity(ca));
        StoredIdentity second = identity(ca);
        store.save(second);
        assertThat(store.load()).contains(second);
        try (Stream<Path> entries = Files.list(stateDir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("identity");
        }
    }

    @Test
    void discardsAnIncompleteSave() throws Exception {
        TestPki.Issued ca = TestPki.ca("ca");
        IdentityStore store = new IdentityStore(stateDir);
        StoredIdentity current = identity(ca);
        store.save(current);
        // died while writing identity.new: no properties file yet
        Path next = Files.createDirectory(stateDir.resolve("identity.new"));
        Files.writeString(next.resolve("key.pem"), "half a key");
        assertThat(store.load()).contains(current);
        assertThat(next).doesNotExist();
    }

    @Test
    void completesASaveInterruptedBetweenTheRenames() throws Exception {
        TestPki.Issued ca = TestPki.ca("ca");
        IdentityStore store = new IdentityStore(stateDir);
        store.save(identity(ca));
        StoredIdentity renewed = identity(ca);
        new IdentityStore(stateDir.resolve("scratch")).save(renewed);
        // died after identity -> identity.old, before identity.new -> identity
        Files.move(store.directory(), stateDir.resolve("identity.old"));
        Files.move(stateDir.resolve("scratch/identity"), stateDir.resolve("identity.new"));
        assertThat(store.load()).contains(renewed);
        assertThat(stateDir.resolve("identity.old")).doesNotExist();
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        TestPki.Issued ca = TestPki.ca("ca");
        IdentityStore store = new IdentityStore(stateDir);
        store.save(identity(ca));
        Files.writeString(store.directory().resolve("key.pem"), Pem.privateKey(KeyAndCsr.generate().keyPair().getPrivate()));
        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("does not belong");
    }

    @Test
    void neverPrintsTheKey() throws Exception {
        StoredIdentity id = identity(TestPki.ca("ca"));
        assertThat(id.toString()).doesNotContain(Pem.privateKey(id.key()).lines().skip(1).findFirst().orElseThrow());
    }
}
