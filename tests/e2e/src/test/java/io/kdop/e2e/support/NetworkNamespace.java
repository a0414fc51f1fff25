package io.kdop.e2e.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace of the test's own, joined to the machine's by a veth pair with an address on
 * each end: a process started in it ({@link #launcher}) reaches the machine, and so the hub, only
 * over that link. {@link #cut} breaks the link as a WAN outage does, every packet silently lost
 * both ways (no reset, no local error), and {@link #restore} mends it. Unix sockets (Docker's)
 * are not network: they work across namespaces. Needs root, as {@code ip netns} does.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String hostSide;
    private final String innerSide;
    private final String hostAddress;
    private final String innerAddress;
    /** With iptables, packets are dropped on arrival at either end; without, the link goes down. */
    private final boolean iptables;

    private NetworkNamespace(long id) {
        this.name = "kdop-e2e-net-" + id;
        // interface names have at most 15 characters
        this.hostSide = "kdn" + id + "h";
        this.innerSide = "kdn" + id + "a";
        int subnet = (int) (id % 250);
        this.hostAddress = "10.251." + subnet + ".1";
        this.innerAddress = "10.251." + subnet + ".2";
        this.iptables = Cli.run(COMMAND_TIMEOUT, "iptables", "-L", "INPUT", "-n").ok();
    }

    /** Creates the namespace and its link; skipped without root on a developer's machine, a failure in CI. */
    public static NetworkNamespace create() {
        Docker.requireRoot("a network namespace");
        NetworkNamespace ns = new NetworkNamespace(ProcessHandle.current().pid());
        ns.close(); // what a killed earlier run of this JVM's pid left behind
        try {
            must("ip", "netns", "add", ns.name);
            must("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", ns.innerSide, "netns", ns.name);
            must("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostSide);
            must("ip", "link", "set", ns.hostSide, "up");
            must("ip", "-n", ns.name, "addr", "add", ns.innerAddress + "/30", "dev", ns.innerSide);
            must("ip", "-n", ns.name, "link", "set", ns.innerSide, "up");
            must("ip", "-n", ns.name, "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /** The namespace's end of the link: where the machine reaches a process listening in the namespace. */
    public String innerAddress() {
        return innerAddress;
    }

    /** The machine's end of the link: where a process in the namespace reaches the hub. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The command prefix that runs a program in the namespace (nsenter execs it: the pid stays the program's). */
    public List<String> launcher() {
        // nsenter enters only the network namespace: `ip netns exec` would also remount /sys
        return List.of("nsenter", "--net=/run/netns/" + name);
    }

    /** How the link is cut: "iptables DROP" or "link down". */
    public String cutMethod() {
        return iptables ? "iptables DROP on both ends" : "link down";
    }

    /** Every packet over the link is lost from now on, silently, both ways. */
    public void cut() {
        if (iptables) {
            must(dropRule("-I", false));
            must(dropRule("-I", true));
        } else {
            must("ip", "link", "set", hostSide, "down");
        }
    }

    /** The link carries packets again. */
    public void restore() {
        if (iptables) {
            must(dropRule("-D", false));
            must(dropRule("-D", true));
        } else {
            must("ip", "link", "set", hostSide, "up");
        }
    }

    /** iptables -I|-D INPUT -i <this end> -j DROP, on the machine's end or in the namespace. */
    private String[] dropRule(String op, boolean inside) {
        List<String> command = new ArrayList<>();
        if (inside) {
            command.addAll(List.of("ip", "netns", "exec", name));
        }
        command.addAll(List.of("iptables", op, "INPUT", "-i", inside ? innerSide : hostSide, "-j", "DROP"));
        return command.toArray(String[]::new);
    }

    /** Removes the rules, the link and the namespace; what does not exist is fine (so it also cleans up a half-made one). */
    @Override
    public void close() {
        if (iptables) {
            // the machine's rule names the interface and outlives it: delete every copy
            while (Cli.run(COMMAND_TIMEOUT, dropRule("-D", false)).ok()) {
                // one more removed
            }
        }
        Cli.run(COMMAND_TIMEOUT, "ip", "link", "del", hostSide); // takes its peer with it
        Cli.run(COMMAND_TIMEOUT, "ip", "netns", "del", name);
    }

    private static void must(String... command) {
        Cli.Result r = Cli.run(COMMAND_TIMEOUT, command);
        if (!r.ok()) {
            throw new AssertionError(r.toString());
        }
    }
}
