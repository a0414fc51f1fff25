package io.kdop.e2e.support;

import java.util.List;

/** What a user checks or does on the Docker host with the docker CLI. */
public final class DockerCli {

    private DockerCli() {}

    /**
     * docker inspect --format TEMPLATE NAME, or null when there is no such container. Any other
     * failure (the daemon down, a bad template) fails the test: see {@link #inspected}.
     */
    public static String inspect(String container, String template) {
        return inspected(container, Docker.run("docker", "inspect", "--format", template, container));
    }

    /**
     * What a {@code docker inspect} of one container answered: its output, or null when Docker said
     * there is no such container (exit 1 with the CLI's "No such object" or the daemon's "No such
     * container"). Anything else throws: a daemon that did not answer must never read as "the
     * container is gone", or an assertion that it was removed would pass with Docker down.
     */
    public static String inspected(String container, Docker.Result r) {
        if (r.exit() == 0) {
            return r.output().strip();
        }
        if (r.exit() == 1 && noSuchContainer(container, r.output())) {
            return null;
        }
        throw new AssertionError("docker inspect " + container + " failed with exit code " + r.exit()
                + " (not \"no such container\"): " + r.output().strip());
    }

    private static boolean noSuchContainer(String container, String output) {
        return output.contains("No such object: " + container) || output.contains("No such container: " + container);
    }

    /** The container's full id, or null when there is no such container. */
    public static String id(String container) {
        return inspect(container, "{{.Id}}");
    }

    public static boolean running(String container) {
        return "true".equals(inspect(container, "{{.State.Running}}"));
    }

    public static List<String> env(String container) {
        String out = inspect(container, "{{range .Config.Env}}{{println .}}{{end}}");
        return out == null ? List.of() : out.lines().filter(l -> !l.isBlank()).toList();
    }

    public static String exec(String container, String... command) {
        String[] full = new String[command.length + 3];
        full[0] = "docker";
        full[1] = "exec";
        full[2] = container;
        System.arraycopy(command, 0, full, 3, command.length);
        Docker.Result r = Docker.run(full);
        if (r.exit() != 0) {
            throw new AssertionError("docker exec " + String.join(" ", command) + " failed: " + r.output());
        }
        return r.output();
    }

    public static void must(String... command) {
        Docker.Result r = Docker.run(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + r.output());
        }
    }

    /** Removes test containers by name prefix, whoever created them. */
    public static void removeAll(String namePrefix) {
        Docker.Result r = Docker.run("docker", "ps", "-aq", "--filter", "name=^/" + namePrefix);
        for (String id : r.output().lines().filter(l -> !l.isBlank()).toList()) {
            Docker.run("docker", "rm", "-f", id);
        }
    }
}
