package io.kdop.hub.pki;

import io.kdop.proto.CaPin;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** The hub's certificate authority: signs the hub's serving certificate and the agents' client certificates. */
public final class CertificateAuthority {

    /** Agents and hub tolerate this much clock skew on a certificate's start... */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final SecureRandom random;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key, SecureRandom random) {
        this.certificate = certificate;
        this.key = key;
        this.random = random;
    }

    /** A new self-signed CA with an EC P-256 key. */
    public static CertificateAuthority create(String commonName, Duration validity, SecureRandom random) {
        KeyPair pair = newEcKeyPair(random);
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + commonName + ",O=kdop");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(builder, pair.getPrivate());
            return new CertificateAuthority(cert, pair.getPrivate(), random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the CA", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    public CaPin pin() {
        return CaPin.of(certificate);
    }

    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** A serving certificate for the hub's gRPC port, naming the given DNS names and IP addresses. */
    public IssuedCertificate issueServerCertificate(List<String> subjectAltNames, Duration validity) {
        KeyPair pair = newEcKeyPair(random);
        GeneralName[] names = subjectAltNames.stream()
                .map(san -> isIpAddress(san) ? new GeneralName(GeneralName.iPAddress, san)
                        : new GeneralName(GeneralName.dNSName, san))
                .toArray(GeneralName[]::new);
        X509Certificate cert = issue(new X500Name("CN=kdop-hub,O=kdop"), pair.getPublic(), validity,
                KeyPurposeId.id_kp_serverAuth, new GeneralNames(names));
        return new IssuedCertificate(cert, pair.getPrivate());
    }

    /**
     * Signs an agent's CSR for the given identity. The CSR's subject is ignored: the identity comes
     * from the token or session that authorized the request, never from the requester.
     *
     * @throws IllegalArgumentException when the CSR is malformed, its signature does not verify,
     *     or its key is weak
     */
    public X509Certificate signAgentCertificate(byte[] csrDer, AgentIdentity identity, Duration validity) {
        PublicKey publicKey = requestedKey(csrDer);
        GeneralNames san = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.toUri()));
        X500Name subject = new X500Name("CN=" + identity.name() + ",OU=" + identity.namespace() + ",O=kdop-agents");
        return issue(subject, publicKey, validity, KeyPurposeId.id_kp_clientAuth, san);
    }

    private X509Certificate issue(X500Name subject, PublicKey publicKey, Duration validity, KeyPurposeId purpose,
            GeneralNames san) {
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                    Date.from(now.minus(backdate(validity))), Date.from(now.plus(validity)), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectAlternativeName, false, san)
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            return sign(builder, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    /** The public key of a CSR whose signature verifies and whose key is strong enough. */
    public static PublicKey requestedKey(byte[] csrDer) {
        try {
            JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(csrDer));
            PublicKey publicKey = csr.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new IllegalArgumentException("the CSR's signature does not verify");
            }
            requireStrongKey(publicKey);
            return publicKey;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("the CSR is not a valid DER-encoded PKCS#10 request");
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("the CSR cannot be verified: " + e.getClass().getSimpleName());
        }
    }

    private static void requireStrongKey(PublicKey key) {
        if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() >= 256) {
            return;
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048) {
            return;
        }
        throw new IllegalArgumentException("the CSR's key must be EC P-256 or stronger, or RSA 2048 or stronger");
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /**
     * ...but never more than a tenth of the lifetime: agents renew at two thirds of
     * [notBefore, notAfter], and a long backdate on a short-lived certificate would skew that.
     */
    static Duration backdate(Duration validity) {
        Duration tenth = validity.dividedBy(10);
        return tenth.compareTo(BACKDATE) < 0 ? tenth : BACKDATE;
    }

    static KeyPair newEcKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static boolean isIpAddress(String san) {
        return san.matches("[0-9.]+") || san.contains(":");
    }

    /** A certificate with its private key, for the hub's own TLS. */
    public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {}
}
