package io.kdop.hub.join;

import io.kdop.proto.JoinToken;

/**
 * The one-line commands that start an agent with a join token, as published to the user: the jar
 * (JDK 25 on the host), the container form and the systemd form (both from the agent image). The
 * token never travels in an argument, so `ps` on the host does not show it.
 */
public record JoinInstructions(String hubAddress, String agentImage) {

    /**
     * Every line starts with a space: bash leaves such lines out of its history where HISTCONTROL
     * says ignorespace or ignoreboth (Debian's and Ubuntu's default), and the lines hold the token.
     */
    static final String HISTORY_SKIP = " ";

    /** Where the agent keeps its identity, desired state and job records on a Docker host. */
    public static final String STATE_DIR = "/var/lib/kdop-agent";

    /** Where the container form mounts the host's "/" for the agent (its image's default --host-root). */
    public static final String HOST_ROOT = "/host";

    /**
     * The JVM options of every published form (jar, container, systemd) and of the agent image's
     * entrypoint: the agent's memory is a feature (docs/benchmarks.md, "Agent resident memory":
     * about 150 MiB idle with 20 containers, about 30 % less than a plain {@code java -jar}). The
     * heap starts at 8 MiB and grows only as far as the host's workloads need, up to 128 MiB, and
     * is given back when it is free; Serial GC (one GC thread) and compact headers suit a process
     * that mostly waits. Both JIT compilers: C1 alone saved about 27 MiB idle and 30-35 MiB of peak
     * RSS under tunnel load, but cost 20-40 % of a tunnel's throughput and its round-trip tail
     * (docs/benchmarks.md, "Tunnels"); a host without Service traffic can add C1-only flags
     * (docs/operations.md). netty uses sun.misc.Unsafe for its buffers; Java 25 warns unless allowed.
     */
    public static final java.util.List<String> AGENT_JVM_OPTIONS = java.util.List.of("-Xms8m", "-Xmx128m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+UseSerialGC",
            "-XX:+UseCompactObjectHeaders", "--sun-misc-unsafe-memory-access=allow");

    /**
     * Runs the agent image as a container that comes back after a crash, a reboot or a Docker
     * restart. The token goes into a file only root and the agent's user can read, not into the
     * container's environment, so `docker inspect` never shows it; it is spent at the first join.
     * The agent runs as its image's non-root user with the Docker socket's group, in the host's
     * network (it reaches containers' published and host-network ports as on the host) and with
     * its state directory at the same path inside and out, so Docker resolves the agent's bind
     * mounts (secret files) on the host. The host's "/" is mounted read-only at {@link #HOST_ROOT}:
     * the agent resolves the host paths of workloads' volume mounts there, symbolic links included,
     * before it lets Docker mount them (its Docker socket gives it more than that already).
     */
    public String dockerCommand(JoinToken token) {
        // pasted again: the previous agent container goes; files an earlier jar or systemd agent
        // wrote as root become the image's user's
        return HISTORY_SKIP + "docker rm -f kdop-agent >/dev/null 2>&1; install -d -m 700 " + STATE_DIR
                + " && (umask 077; printf '%s' " + token.encode() + " > " + STATE_DIR + "/join-token)"
                + " && chown -R 65532:65532 " + STATE_DIR
                + " && docker run -d --name kdop-agent --restart unless-stopped --network host"
                + " --group-add \"$(stat -c %g /var/run/docker.sock)\""
                + " -v /var/run/docker.sock:/var/run/docker.sock -v " + STATE_DIR + ":" + STATE_DIR
                + " -v /:" + HOST_ROOT + ":ro"
                + " " + agentImage + " join --hub " + hubAddress + " --state-dir " + STATE_DIR
                + " --host-root " + HOST_ROOT + " --token-file " + STATE_DIR + "/join-token";
    }

    /** Where the systemd form installs the agent's runtime and jar. */
    public static final String INSTALL_DIR = "/opt/kdop-agent";

    /**
     * Installs the agent from its image as a systemd service, for hosts where it should not run in
     * a container: the jlink-ed runtime and the jar are copied out of the image, the token goes
     * into a root-only file, and the unit restarts the agent after a crash and starts it at boot.
     */
    public String systemdCommand(JoinToken token) {
        return HISTORY_SKIP + "docker pull -q " + agentImage + " >/dev/null; docker rm -f kdop-agent-install >/dev/null 2>&1;"
                + " docker create --name kdop-agent-install " + agentImage + " >/dev/null"
                + " && rm -rf " + INSTALL_DIR + " && mkdir -p " + INSTALL_DIR
                + " && docker cp kdop-agent-install:/opt/java " + INSTALL_DIR + "/java"
                + " && docker cp kdop-agent-install:/opt/kdop/kdop-edge-agent.jar " + INSTALL_DIR + "/"
                + " && docker rm kdop-agent-install >/dev/null"
                + " && install -d -m 700 " + STATE_DIR
                + " && (umask 077; printf '%s' " + token.encode() + " > " + STATE_DIR + "/join-token)"
                + " && " + printf(systemdUnit(INSTALL_DIR)) + " > /etc/systemd/system/kdop-agent.service"
                + " && systemctl daemon-reload && systemctl enable --now kdop-agent";
    }

    /** A shell command on one line that prints the text exactly: a printf format with newlines as \n. */
    static String printf(String text) {
        return "printf '" + text.replace("\\", "\\\\").replace("%", "%%").replace("\n", "\\n")
                .replace("'", "'\\''") + "'";
    }

    /** The agent's systemd unit, with its runtime and jar under {@code installDir}. */
    public String systemdUnit(String installDir) {
        return """
                [Unit]
                Description=kdop edge agent (DockerHost agent of the hub at %1$s)
                Documentation=https://kdop.io.vn
                After=network-online.target docker.service
                Wants=network-online.target

                [Service]
                ExecStart=%2$s/java/bin/java %3$s -jar %2$s/kdop-edge-agent.jar join --hub %1$s --state-dir %4$s --token-file %4$s/join-token
                Restart=always
                RestartSec=5
                # 2, 3, 4: a usage error, the wrong hub, a refusal for good; 6: another machine
                # holds this identity. Restarting would not help.
                RestartPreventExitStatus=2 3 4 6
                NoNewPrivileges=yes
                ProtectSystem=full
                # read-only, not hidden, and /tmp not made private: the agent resolves workloads' host paths
                # (symbolic links included) before Docker mounts them, so it must see what Docker sees
                ProtectHome=read-only

                [Install]
                WantedBy=multi-user.target
                """.formatted(hubAddress, installDir, String.join(" ", AGENT_JVM_OPTIONS), STATE_DIR);
    }

    /** Runs the agent from its jar (JDK 25), e.g. under systemd: the command that works everywhere today. */
    public String jarCommand(JoinToken token) {
        return HISTORY_SKIP + "KDOP_JOIN_TOKEN=" + token.encode() + " java " + String.join(" ", AGENT_JVM_OPTIONS)
                + " -jar kdop-edge-agent.jar join --hub " + hubAddress + " --state-dir " + STATE_DIR;
    }
}
