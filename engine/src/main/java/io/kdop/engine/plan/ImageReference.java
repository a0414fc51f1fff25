package io.kdop.engine.plan;

import java.util.Locale;

/**
 * An image reference split the way Docker splits it: {@code [registry/]path[:tag][@digest]}. The
 * first path component is a registry host when it contains a dot or a colon ({@code host:port})
 * or is {@code localhost}; otherwise the image is on Docker Hub.
 *
 * @param registry the registry host (with its port), {@value #DOCKER_HUB} for Docker Hub
 * @param repository the reference without tag and digest, as written (Docker normalizes the rest)
 * @param tag "" when none is written
 * @param digest e.g. {@code sha256:...}, "" when none is written
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";

    public static ImageReference parse(String image) {
        String rest = image.strip();
        String digest = "";
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.toLowerCase(Locale.ROOT);
            }
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /**
     * What to pull: the digest if there is one, else the tag, else {@code latest}. Never empty,
     * because Docker pulls every tag of a repository when asked for none.
     */
    public String tagOrDigest() {
        if (!digest.isEmpty()) {
            return digest;
        }
        return tag.isEmpty() ? "latest" : tag;
    }
}
