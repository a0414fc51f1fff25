package io.kdop.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kdop.hub.health.HealthEndpoint;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The hub's command line: {@code java -jar kdop-hub.jar [options]}. */
@Command(name = "kdop-hub", mixinStandardHelpOptions = true, versionProvider = HubCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "The kdop hub: watches kdop resources in Kubernetes and serves the edge agents that dial in.",
            "It connects to Kubernetes like kubectl does (in-cluster service account, KUBECONFIG, or ~/.kube/config)."
        })
public final class HubCommand implements Callable<Integer> {

    /** The hub's version (the project's, from the jar), which the agent image's tag defaults to. */
    static final String VERSION = io.kdop.proto.KdopVersion.of(HubCommand.class);

    @Option(names = "--namespace", defaultValue = "${env:POD_NAMESPACE:-kdop-system}",
            description = "Namespace of the hub's own Secrets (CA, join-token records). Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--grpc-port", defaultValue = "9443", description = "TLS port agents connect to. Default: ${DEFAULT-VALUE}.")
    int grpcPort;

    @Option(names = "--public-address", description = "host:port agents dial, as written into join commands. "
            + "Default: the first --tls-san with --grpc-port.")
    String publicAddress;

    @Option(names = "--tls-san", split = ",", description = "DNS names and IP addresses in the hub's serving certificate "
            + "(repeatable). The host of --public-address, localhost and 127.0.0.1 are always included.")
    List<String> tlsSans = new ArrayList<>();

    @Option(names = "--heartbeat-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often agents send heartbeats. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatInterval;

    @Option(names = "--heartbeat-grace", defaultValue = "40s", converter = DurationConverter.class,
            description = "Silence after which a host becomes Disconnected. Default: ${DEFAULT-VALUE}.")
    Duration heartbeatGrace;

    @Option(names = "--client-cert-ttl", defaultValue = "168h", converter = DurationConverter.class,
            description = "Lifetime of agent certificates; agents renew at two thirds of it. Default: ${DEFAULT-VALUE}.")
    Duration clientCertTtl;

    @Option(names = "--join-token-ttl", defaultValue = "24h", converter = DurationConverter.class,
            description = "Default lifetime of join tokens (a DockerHost's spec.joinTokenTTL overrides it), "
                    + "at most 168h. Default: ${DEFAULT-VALUE}.")
    Duration joinTokenTtl;

    @Option(names = "--ca-secret", defaultValue = "kdop-hub-ca",
            description = "Name of the Secret holding the hub's CA. Default: ${DEFAULT-VALUE}.")
    String caSecret;

    @Option(names = "--agent-image",
            description = "Agent image named in the docker one-liner of join commands. Default: kdop/edge-agent:<the hub's version>.")
    String agentImage;

    @Option(names = "--health-port", defaultValue = "8080",
            description = "Plain-HTTP port of the probes /healthz and /readyz; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int healthPort;

    @Option(names = "--tunnel-ports", defaultValue = "31000-31999",
            description = "Hub ports for the listeners behind tunnelled Services (reached only through the Services). "
                    + "Default: ${DEFAULT-VALUE}.")
    String tunnelPorts;

    @Option(names = "--tunnel-address", defaultValue = "${env:POD_IP}",
            description = "This hub's IPv4 address in the cluster network, named in the tunnelled Services' "
                    + "EndpointSlices. Default: $POD_IP, else the first non-loopback address.")
    String tunnelAddress;

    @Option(names = "--join-rate-per-peer", defaultValue = "100",
            description = "Joins per second one IP address may make (agents behind one NAT share it); more are "
                    + "answered RESOURCE_EXHAUSTED and retried by the agents. Default: ${DEFAULT-VALUE}.")
    int joinRatePerPeer;

    @Option(names = "--direct-hosts", defaultValue = "tls",
            description = "Which DockerHosts with spec.hostURL the hub drives itself: none, tls (mutual TLS only) or "
                    + "all (also plain TCP with spec.allowInsecure and Unix sockets in the hub's file system). Whoever "
                    + "may create a DockerHost gets the hub's reach on the network. Default: ${DEFAULT-VALUE}.")
    String directHosts;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HubCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (joinRatePerPeer <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--join-rate-per-peer must be positive");
        }
        if (!heartbeatGrace.minus(heartbeatInterval).isPositive()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--heartbeat-grace must be longer than --heartbeat-interval");
        }
        try {
            io.kdop.hub.join.JoinTokenTtl.check(joinTokenTtl, "'" + joinTokenTtl.toMinutes() + "m'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--join-token-ttl " + e.getMessage());
        }
        io.kdop.hub.direct.DirectHostsAllowed directHostsAllowed;
        try {
            directHostsAllowed = io.kdop.hub.direct.DirectHostsAllowed.parse(directHosts);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> distinct = servingNames(tlsSans, publicAddress);
        String address = publicAddress != null ? publicAddress : distinct.getFirst() + ":" + grpcPort;
        if (address.startsWith("localhost:") || address.startsWith("127.")) {
            org.slf4j.LoggerFactory.getLogger(HubCommand.class).warn("join commands will tell agents to dial {}, "
                    + "which only works on this machine: set --public-address and --tls-san to the name agents reach",
                    address);
        }
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("(\\d{1,5})-(\\d{1,5})").matcher(tunnelPorts.strip());
        if (!range.matches()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--tunnel-ports must be a range like 31000-31999, not " + tunnelPorts);
        }
        io.kdop.hub.tunnel.TunnelSettings tunnels = new io.kdop.hub.tunnel.TunnelSettings(
                java.net.InetAddress.getByName("0.0.0.0"),
                tunnelAddress == null || tunnelAddress.isBlank()
                        ? io.kdop.hub.tunnel.TunnelSettings.detectAdvertiseAddress() : tunnelAddress.strip(),
                Integer.parseInt(range.group(1)), Integer.parseInt(range.group(2)));
        HubConfig config = new HubConfig(namespace, grpcPort, address, distinct, heartbeatInterval, heartbeatGrace,
                clientCertTtl, joinTokenTtl, caSecret, agentImage != null ? agentImage : "kdop/edge-agent:" + VERSION, tunnels,
                joinRatePerPeer, directHostsAllowed);

        KubernetesClient client = new KubernetesClientBuilder().build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Hub hub = new Hub(config, client, Clock.systemUTC());
                HealthEndpoint health = new HealthEndpoint(new InetSocketAddress(healthPort), hub::notAlive,
                        hub::notReady)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "kdop-shutdown"));
            health.start();
            org.slf4j.LoggerFactory.getLogger(HubCommand.class).info("probes on port {} (/healthz, /readyz)",
                    health.port());
            hub.start();
            stopped.await();
        } finally {
            client.close();
        }
        return 0;
    }

    /**
     * The names in the hub's serving certificate: the --tls-san values, the host of the public
     * address (agents check the name they dial against the certificate), localhost and 127.0.0.1.
     */
    static List<String> servingNames(List<String> tlsSans, String publicAddress) {
        List<String> sans = new ArrayList<>(tlsSans);
        if (publicAddress != null) {
            sans.add(hostOf(publicAddress));
        }
        sans.addAll(List.of("localhost", "127.0.0.1"));
        return sans.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** The host part of host:port ([v6-address]:port too). */
    static String hostOf(String address) {
        String a = address.strip();
        if (a.startsWith("[") && a.contains("]")) {
            return a.substring(1, a.indexOf(']'));
        }
        if (a.indexOf(':') != a.lastIndexOf(':')) {
            return a; // an IPv6 address without a port
        }
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }

    /** Go-style durations (30s, 5m, 24h, 1h30m), as Kubernetes users write them; every one of the hub's is positive. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) throws Exception {
            Duration d;
            try {
                d = io.kdop.hub.api.GoDurations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (!d.isPositive()) {
                // GoDurations keeps a leading '-' as Go does (it used to be dropped, "-10s" was 10s)
                throw new CommandLine.TypeConversionException("'" + value + "' must be positive");
            }
            return d;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kdop-hub " + VERSION};
        }
    }
}
