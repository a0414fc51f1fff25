package io.kdop.e2e.support;

import java.util.List;

/** What a user checks or does on the Docker host with the docker CLI. */
public final class DockerCli {

    private DockerCli() {}

    /** docker inspect --format TEMPLATE NAME, or null when there is no such container. */
    public static String inspect(String container, String template) {
        Docker.Result r = Docker.run("docker", "inspect", "--format", template, container);
        return r.exit() == 0 ? r.output().strip() : null;
    }

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
