package io.kdop.engine.plan;

import java.util.List;

/**
 * What an image contributes to a container created from it when the create request leaves a
 * setting empty: Docker merges these in, so drift detection must expect them.
 *
 * @param health null when the image declares none
 */
public record ImageDefaults(List<String> cmd, List<String> entrypoint, List<String> env, HealthConfig health) {

    public ImageDefaults {
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        env = List.copyOf(env);
    }
}
