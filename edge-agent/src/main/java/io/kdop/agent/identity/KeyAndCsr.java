package io.kdop.agent.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A fresh EC P-256 key pair and a PKCS#10 request for it; the private key never leaves the host. */
public record KeyAndCsr(KeyPair keyPair, byte[] csrDer) {

    private static final String SIGNATURE = "SHA256withECDSA";

    /** Generates a new key pair and signs a CSR with it (the hub ignores the subject). */
    public static KeyAndCsr generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keyPair = generator.generateKeyPair();
            byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=kdop-agent"), keyPair.getPublic())
                    .build(new JcaContentSignerBuilder(SIGNATURE).build(keyPair.getPrivate()))
                    .getEncoded();
            return new KeyAndCsr(keyPair, csr);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key and CSR", e);
        }
    }

    /** Whether the private key belongs to the public key, proven by a test signature. */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] probe = "kdop key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(SIGNATURE);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURE);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "KeyAndCsr[EC P-256]";
    }
}
