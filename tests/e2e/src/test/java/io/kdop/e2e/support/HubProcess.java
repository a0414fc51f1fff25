package io.kdop.e2e.support;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The hub as a separate process, pointed at an API server by a kubeconfig, with short heartbeat timings. */
public final class HubProcess extends JavaProcess {

    public static final String NAMESPACE = "kdop-system";
    public static final int HEARTBEAT_GRACE_SECONDS = 4;
    public static final int HEARTBEAT_INTERVAL_MILLIS = 1000;

    private final int port;
    private final int healthPort;

    private HubProcess(int port, int healthPort, List<String> jvmOptions, List<String> args, Map<String, String> env,
            Path log) {
        super("hub", Repository.jar("kdop.hub.jar", "hub/target/kdop-hub.jar"), jvmOptions, args, env, log);
        this.port = port;
        this.healthPort = healthPort;
    }

    /**
     * Starts the hub and waits until it serves; extra arguments are appended to the command line
     * (with {@code --heartbeat-interval} they replace the tests' short heartbeat timings).
     */
    public static HubProcess start(ApiServerStandIn api, int port, Path log, String... extraArgs) {
        return start(api.kubeconfig(), port, log, extraArgs);
    }

    /** Starts the hub with the credentials of this kubeconfig (a real API server's ServiceAccount token). */
    public static HubProcess start(Path kubeconfig, int port, Path log, String... extraArgs) {
        return start(TEST_JVM_OPTIONS, kubeconfig, port, log, extraArgs);
    }

    /** Starts the hub on these JVM options (a benchmark compares them with the tests' small, C1-only ones). */
    public static HubProcess start(List<String> jvmOptions, Path kubeconfig, int port, Path log, String... extraArgs) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--namespace", NAMESPACE,
                "--grpc-port", String.valueOf(port),
                "--public-address", "127.0.0.1:" + port));
        int healthPort = Ports.free();
        args.addAll(List.of("--health-port", String.valueOf(healthPort)));
        if (!List.of(extraArgs).contains("--heartbeat-interval")) { // the short test timings, unless given
            args.addAll(List.of("--heartbeat-interval", HEARTBEAT_INTERVAL_MILLIS + "ms",
                    "--heartbeat-grace", HEARTBEAT_GRACE_SECONDS + "s"));
        }
        args.addAll(List.of(extraArgs));
        HubProcess hub = new HubProcess(port, healthPort, jvmOptions, args,
                Map.of("KUBECONFIG", kubeconfig.toString(), "KDOP_LOG_LEVEL", "DEBUG"), log);
        hub.awaitLog("serving agents on port " + port, java.time.Duration.ofSeconds(60));
        return hub;
    }

    /**
     * Starts the hub with exactly these arguments and environment, as a pod of the chart's
     * Deployment would run it; the ports are the ones the arguments name.
     */
    public static HubProcess startAsPod(Path kubeconfig, List<String> args, Map<String, String> env, int port,
            int healthPort, Path log) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("KUBECONFIG", kubeconfig.toString());
        HubProcess hub = new HubProcess(port, healthPort, TEST_JVM_OPTIONS, args, all, log);
        hub.awaitLog("serving agents on port " + port, java.time.Duration.ofSeconds(60));
        return hub;
    }

    public int port() {
        return port;
    }

    /** The plain-HTTP port of the hub's probes (/healthz, /readyz). */
    public int healthPort() {
        return healthPort;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }
}
