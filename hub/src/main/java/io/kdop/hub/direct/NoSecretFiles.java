package io.kdop.hub.direct;

import io.kdop.engine.secrets.SecretLayout;
import io.kdop.engine.secrets.SecretPlacement;
import io.kdop.proto.v1.ContainerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Secret files on a direct host: none. The hub has no disk on that host, and placing them through
 * the Docker API is not built yet, so the DockerContainer controller refuses secret volumes there
 * with a condition; a spec that has some anyway is not started.
 */
final class NoSecretFiles implements SecretPlacement {

    private final SecretLayout layout;

    NoSecretFiles(Path root) {
        this.layout = new SecretLayout(root);
    }

    @Override
    public SecretLayout layout() {
        return layout;
    }

    @Override
    public int sync(ContainerSpec spec) throws IOException {
        if (spec.getSecretFilesCount() > 0) {
            throw new IOException("secret volumes are not supported on direct hosts yet");
        }
        return 0;
    }

    @Override
    public void remove(String workloadUid) {
        // nothing was ever placed
    }

    @Override
    public void retainOnly(Set<String> keep) {
        // nothing was ever placed
    }
}
