package io.kdop.agent;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test CAs and certificates, made with Bouncy Castle. */
public final class TestPki {

    /** A key pair and its certificate. */
    public record Issued(KeyPair keyPair, X509Certificate certificate) {}

    private TestPki() {}

    public static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static Issued ca(String cn) throws Exception {
        KeyPair keyPair = ecKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + cn), new X500Name("CN=" + cn),
                keyPair.getPublic(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keyPair, sign(builder, keyPair));
    }

    /** A TLS server certificate with DNS and IP SANs. */
    public static Issued server(Issued ca, String... sans) throws Exception {
        KeyPair keyPair = ecKeyPair();
        GeneralName[] names = new GeneralName[sans.length];
        for (int i = 0; i < sans.length; i++) {
            names[i] = new GeneralName(sans[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, sans[i]);
        }
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = builder(subject(ca), new X500Name("CN=kdop-hub"), keyPair.getPublic(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Issued(keyPair, sign(builder, ca.keyPair()));
    }

    /** A client certificate naming a DockerHost with a SAN URI, as the hub issues them. */
    public static X509Certificate client(Issued ca, PublicKey key, String uri, Instant notBefore, Instant notAfter)
            throws Exception {
        X509v3CertificateBuilder builder = builder(subject(ca), new X500Name("CN=kdop-agent"), key, notBefore, notAfter)
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return sign(builder, ca.keyPair());
    }

    private static X500Name subject(Issued ca) {
        return X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
            Instant notBefore, Instant notAfter) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, new SecureRandom()),
                Date.from(notBefore), Date.from(notAfter), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
