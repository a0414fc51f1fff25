package io.kdop.engine.plan;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.RegistryCredential;
import java.util.Locale;
import java.util.Optional;

/** Picks the credential for an image: the one whose server is the image's registry host. */
public final class RegistryCredentials {

    private RegistryCredentials() {}

    /** The first credential of the spec whose server names the registry of its image. */
    public static Optional<RegistryCredential> forImage(ContainerSpec spec) {
        String registry = ImageReference.parse(spec.getImage()).registry();
        return spec.getRegistryCredentialsList().stream()
                .filter(c -> host(c.getServer()).equals(registry))
                .findFirst();
    }

    /**
     * The registry host a credential's server names. Docker config files and pull secrets write it
     * in many ways: {@code https://index.docker.io/v1/}, {@code registry.example.org:5000},
     * {@code http://127.0.0.1:5000/}; every Docker Hub alias is {@value ImageReference#DOCKER_HUB}.
     */
    static String host(String server) {
        String s = server.strip().toLowerCase(Locale.ROOT);
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        return switch (s) {
            case "", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "hub.docker.com" ->
                    ImageReference.DOCKER_HUB;
            default -> s;
        };
    }
}
