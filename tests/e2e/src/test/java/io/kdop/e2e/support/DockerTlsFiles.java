package io.kdop.e2e.support;

import io.kdop.hub.pki.AgentIdentity;
import io.kdop.hub.pki.CertificateAuthority;
import io.kdop.hub.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Docker's --tlsverify files, made by the test: a CA, a server certificate for the daemon's
 * address signed by it, and a client certificate (clientAuth) signed by it, as PEM files and as
 * the data of the Secret a direct DockerHost names (ca.pem, cert.pem, key.pem).
 */
public final class DockerTlsFiles {

    private static final Duration VALIDITY = Duration.ofHours(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CertificateAuthority ca;
    private final Path dir;

    private DockerTlsFiles(String name, Path dir) {
        this.ca = CertificateAuthority.create(name, VALIDITY, RANDOM);
        this.dir = dir;
    }

    /** A new CA whose files go to {@code dir}. */
    public static DockerTlsFiles authority(String name, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DockerTlsFiles(name, dir);
    }

    public String caPem() {
        return ca.certificatePem();
    }

    public Path caFile() {
        return write("ca.pem", caPem());
    }

    /** The daemon's certificate and key files, issued for the address the hub dials. */
    public List<Path> serverFiles(String address) {
        CertificateAuthority.IssuedCertificate server = ca.issueServerCertificate(List.of(address), VALIDITY);
        return List.of(write("server-cert.pem", Pem.encode(server.certificate())),
                write("server-key.pem", Pem.encode(server.key())));
    }

    /** A client identity signed by this CA, as cert.pem and key.pem text. */
    public Map<String, String> client() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=kdop-hub"), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            var cert = ca.signAgentCertificate(csr, new AgentIdentity("kdop-system", "hub", "uid", "1"), VALIDITY);
            return Map.of("cert.pem", Pem.encode(cert), "key.pem", Pem.encode(pair.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a client certificate", e);
        }
    }

    private Path write(String name, String pem) {
        try {
            return Files.writeString(dir.resolve(name), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
