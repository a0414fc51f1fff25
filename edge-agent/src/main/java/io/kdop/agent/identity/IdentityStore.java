package io.kdop.agent.identity;

import io.kdop.agent.store.AtomicFiles;
import io.kdop.proto.v1.HostIdentity;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The agent's identity on disk, in {@code <state-dir>/identity/}: key.pem (PKCS#8), cert.pem,
 * ca.pem and identity.properties, the directory 0700 and the files 0600.
 *
 * <p>Key and certificate must always form a pair, even if the process dies halfway through a
 * renewal. So every save writes a complete new directory {@code identity.new/} (properties last,
 * marking it complete) and swaps it in with two renames; {@link #load()} finishes or discards an
 * interrupted swap.
 */
public final class IdentityStore {

    static final String KEY = "key.pem";
    static final String CERT = "cert.pem";
    static final String CA = "ca.pem";
    static final String PROPERTIES = "identity.properties";

    private final Path dir;
    private final Path next;
    private final Path old;

    public IdentityStore(Path stateDir) {
        this.dir = stateDir.resolve("identity");
        this.next = stateDir.resolve("identity.new");
        this.old = stateDir.resolve("identity.old");
    }

    public Path directory() {
        return dir;
    }

    /** The stored identity, or empty when the agent never joined. */
    public Optional<StoredIdentity> load() throws IOException {
        recover();
        if (!Files.exists(dir.resolve(PROPERTIES))) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)));
            PrivateKey key = Pem.parsePrivateKey(Files.readString(dir.resolve(KEY), StandardCharsets.US_ASCII));
            X509Certificate cert = Pem.parseCertificates(Files.readString(dir.resolve(CERT), StandardCharsets.US_ASCII)).getFirst();
            List<X509Certificate> cas = Pem.parseCertificates(Files.readString(dir.resolve(CA), StandardCharsets.US_ASCII));
            if (!KeyAndCsr.matches(key, cert.getPublicKey())) {
                throw new GeneralSecurityException("key.pem does not belong to cert.pem");
            }
            HostIdentity host = HostIdentity.newBuilder()
                    .setNamespace(required(p, "namespace"))
                    .setName(required(p, "name"))
                    .setUid(required(p, "uid"))
                    .build();
            return Optional.of(new StoredIdentity(required(p, "hub"), host, required(p, "tokenId"), key, cert, cas));
        } catch (GeneralSecurityException | NoSuchFileException | IllegalArgumentException e) {
            throw new IOException("the stored identity in " + dir + " is unusable (" + e.getMessage()
                    + "): remove that directory and join again with a new token", e);
        }
    }

    /** Replaces the stored identity as a whole. */
    public void save(StoredIdentity identity) throws IOException {
        AtomicFiles.ensureDirectory(dir.getParent());
        deleteTree(next);
        AtomicFiles.privateDirectory(next);
        AtomicFiles.write(next.resolve(KEY), ascii(Pem.privateKey(identity.key())));
        AtomicFiles.write(next.resolve(CERT), ascii(Pem.certificates(List.of(identity.certificate()))));
        AtomicFiles.write(next.resolve(CA), ascii(Pem.certificates(identity.caCertificates())));
        AtomicFiles.write(next.resolve(PROPERTIES), properties(identity)); // last: marks identity.new complete
        if (Files.exists(dir)) {
            deleteTree(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.syncDirectory(dir.getParent());
        deleteTree(old);
    }

    private void recover() throws IOException {
        if (!Files.exists(dir) && Files.exists(next.resolve(PROPERTIES))) {
            // died between the two renames of save(): the new directory is complete
            Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteTree(next); // an incomplete save: the old identity is still in place
        deleteTree(old);
    }

    private static byte[] properties(StoredIdentity identity) throws IOException {
        Properties p = new Properties();
        p.setProperty("hub", identity.hub());
        p.setProperty("namespace", identity.host().getNamespace());
        p.setProperty("name", identity.host().getName());
        p.setProperty("uid", identity.host().getUid());
        p.setProperty("tokenId", identity.tokenId());
        StringWriter out = new StringWriter();
        p.store(out, "kdop edge agent identity");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String required(Properties p, String name) {
        String value = p.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(PROPERTIES + " lacks " + name);
        }
        return value;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
