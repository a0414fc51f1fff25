package io.kdop.hub.pki;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hub's CA in a Secret so every hub start (and every replica) uses the same CA, which
 * is what joined agents pinned.
 */
public final class CaSecretStore {

    private static final Logger LOG = LoggerFactory.getLogger(CaSecretStore.class);
    private static final int CONFLICT = 409;
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);

    private final KubernetesClient client;
    private final String namespace;
    private final String secretName;

    public CaSecretStore(KubernetesClient client, String namespace, String secretName) {
        this.client = client;
        this.namespace = namespace;
        this.secretName = secretName;
    }

    /** Loads the CA from its Secret, creating both on the first start. */
    public CertificateAuthority loadOrCreate(SecureRandom random) {
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing != null) {
            LOG.info("using the CA in Secret {}/{}", namespace, secretName);
            return fromSecret(existing, random);
        }
        CertificateAuthority created = CertificateAuthority.create("kdop-hub-ca", CA_VALIDITY, random);
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                    .withName(secretName)
                    .withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/managed-by", "kdop-hub")
                    .addToLabels("app.kubernetes.io/component", "ca")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of(
                        "tls.crt", base64(created.certificatePem()),
                        "tls.key", base64(Pem.encode(created.key()))))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.info("created a new CA {} in Secret {}/{}", created.pin(), namespace, secretName);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                // Another replica created it first: use theirs, so there is only ever one CA.
                return fromSecret(client.secrets().inNamespace(namespace).withName(secretName).get(), random);
            }
            throw e;
        }
    }

    private CertificateAuthority fromSecret(Secret secret, SecureRandom random) {
        Map<String, String> data = secret.getData();
        if (data == null || !data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
            throw new IllegalStateException("Secret " + namespace + "/" + secretName
                    + " exists but lacks tls.crt or tls.key; delete it to let the hub create a new CA "
                    + "(every agent then has to join again)");
        }
        return new CertificateAuthority(Pem.certificate(decode(data.get("tls.crt"))),
                Pem.privateKey(decode(data.get("tls.key"))), random);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }
}
