package io.kdop.hub.pki;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the CA Secret while the hub runs: carries out the rotation steps users ask for there
 * and hands every new set of CAs to {@link HubCas}, so a rotation needs no restart (and every
 * replica follows the same Secret).
 */
public final class CaSecretWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaSecretWatch.class);
    /** Also re-reads the Secret this often, so a step whose write failed is tried again. */
    private static final Duration RESYNC = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final CaSecretStore store;
    private final HubCas cas;
    private final SecureRandom random;
    private final Clock clock;
    private SharedIndexInformer<Secret> informer;

    public CaSecretWatch(KubernetesClient client, CaSecretStore store, HubCas cas, SecureRandom random, Clock clock) {
        this.client = client;
        this.store = store;
        this.cas = cas;
        this.random = random;
        this.clock = clock;
    }

    public void start() {
        informer = client.secrets().inNamespace(store.namespace()).withName(store.secretName())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Secret secret) {
                        changed(secret);
                    }

                    @Override
                    public void onUpdate(Secret before, Secret secret) {
                        changed(secret);
                    }

                    @Override
                    public void onDelete(Secret secret, boolean finalStateUnknown) {
                        LOG.warn("the CA Secret {}/{} was deleted; this hub keeps using its CAs, but the next hub "
                                + "start creates a new CA and every agent must then join again", store.namespace(),
                                store.secretName());
                    }
                }, RESYNC.toMillis());
    }

    private void changed(Secret secret) {
        try {
            cas.update(store.reconcile(secret, random, clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("cannot use the CA Secret {}/{}: {}; the hub keeps its current CAs", store.namespace(),
                    store.secretName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
