package io.kdop.engine.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares an existing container with the one kdop would create now. Two checks: the spec-hash
 * label (what kdop asked for changed) and the container's own settings (someone changed it out of
 * band: recreated it by hand with kdop's labels, {@code docker update}). The second check expects
 * what Docker stores after merging in the image's defaults when they are known (see
 * {@link ImageDefaults}); when the image is gone it only compares what kdop sets explicitly.
 */
public final class Drift {

    private Drift() {}

    /** The names of the settings that differ, empty when the container is as desired. Never values: env may hold secrets. */
    public static List<String> between(DesiredContainer desired, ObservedContainer observed,
            Optional<ImageDefaults> image) {
        List<String> drift = new ArrayList<>();
        if (!observed.specHash().equals(desired.specHash())) {
            drift.add("spec");
        }
        if (!observed.name().equals(desired.name())) {
            drift.add("name");
        }
        ContainerConfig want = desired.config();
        ContainerConfig have = observed.config();
        if (!have.image().equals(want.image())) {
            drift.add("image");
        }
        // Docker's merge: without an entrypoint of its own, a container gets the image's Cmd
        // (unless it has one) and Entrypoint; with one, it gets neither
        boolean ownEntrypoint = !want.entrypoint().isEmpty();
        Optional<List<String>> cmd = !want.cmd().isEmpty() ? Optional.of(want.cmd())
                : ownEntrypoint ? Optional.of(List.of()) : image.map(ImageDefaults::cmd);
        if (cmd.isPresent() && !cmd.get().equals(have.cmd())) {
            drift.add("command");
        }
        Optional<List<String>> entrypoint = ownEntrypoint ? Optional.of(want.entrypoint())
                : image.map(ImageDefaults::entrypoint);
        if (entrypoint.isPresent() && !entrypoint.get().equals(have.entrypoint())) {
            drift.add("entrypoint");
        }
        if (!envMatches(want.env(), have.env(), image)) {
            drift.add("env");
        }
        if (!have.restartPolicy().equals(want.restartPolicy())
                || (want.restartPolicy().equals("on-failure") && have.maxRetries() != want.maxRetries())) {
            drift.add("restartPolicy");
        }
        if (!have.ports().equals(want.ports())) {
            drift.add("ports");
        }
        if (!have.binds().equals(want.binds())) {
            drift.add("mounts");
        }
        if (!healthMatches(want.health(), have.health(), image)) {
            drift.add("healthCheck");
        }
        if (have.nanoCpus() != want.nanoCpus() || have.memoryBytes() != want.memoryBytes()) {
            drift.add("resources");
        }
        if (!networkMode(have.networkMode()).equals(networkMode(want.networkMode()))) {
            drift.add("networkMode");
        }
        return drift;
    }

    /**
     * With the image's env known: exactly kdop's variables plus the image's for names kdop does
     * not set (Docker's merge). Without it: kdop's variables are all there, none changed.
     */
    private static boolean envMatches(List<String> want, List<String> have, Optional<ImageDefaults> image) {
        if (image.isPresent()) {
            Map<String, Boolean> own = want.stream().collect(Collectors.toMap(Drift::envName, e -> true, (a, b) -> a));
            List<String> expected = new ArrayList<>(want);
            image.get().env().stream().filter(e -> !own.containsKey(envName(e))).forEach(expected::add);
            return counts(expected).equals(counts(have));
        }
        Map<String, Long> haveCounts = counts(have);
        return counts(want).entrySet().stream()
                .allMatch(e -> haveCounts.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private static boolean healthMatches(HealthConfig want, HealthConfig have, Optional<ImageDefaults> image) {
        if (image.isEmpty()) {
            // without the image, only a check kdop set can be compared (and only its non-default fields)
            return want == null || have != null && want.over(have).equals(have);
        }
        HealthConfig expected = want == null ? image.get().health() : want.over(image.get().health());
        return Objects.equals(expected, have);
    }

    private static Map<String, Long> counts(List<String> values) {
        return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String envName(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    /**
     * Docker stores "default" when no mode is given, which is the bridge on Linux; a container
     * mode names a container that Docker may store by id, so only the kind is compared.
     */
    static String networkMode(String mode) {
        if (mode.isEmpty() || mode.equals("default") || mode.equals("bridge")) {
            return "bridge";
        }
        return mode.startsWith("container:") ? "container:" : mode;
    }
}
