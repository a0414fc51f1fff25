package io.kdop.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kdop.e2e.support.ApiServerStandIn;
import io.kdop.e2e.support.Cluster;
import io.kdop.e2e.support.HubProcess;
import io.kdop.e2e.support.Ports;
import io.kdop.e2e.support.RealKube;
import io.kdop.e2e.support.Repository;
import io.kdop.e2e.support.SimulatedAgent;
import io.kdop.hub.api.DockerHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * A fleet joining at once (after an install, or a site coming back with fresh tokens): N
 * DockerHosts with their tokens ready, then N agents started in the same instant. Measures the
 * time until every host is Connected, and counts the agents' join attempts that hit their 30 s
 * deadline and those the hub turned away at once (its per-address limit or its join slots; all
 * agents share one address here, as a fleet behind one NAT would). The agents are {@link SimulatedAgent}s in this JVM (the real
 * join and session code, no Docker) with the production --max-backoff of 30 s; the hub runs as
 * its own process with the production heartbeat (10 s). Run by scripts/bench-join-storm.sh.
 */
public final class JoinStormBenchmark {

    private JoinStormBenchmark() {}

    /** One storm's outcome. */
    private record Result(int agents, Duration allConnected, Duration halfConnected, int deadlineExceeded,
            int throttled, int otherJoinFailures) {}

    /**
     * Arguments: fleet sizes (default 100 1000); a first argument {@code --real-api} runs the hub
     * against the real control plane of scripts/kube-up.sh (KDOP_KUBECONFIG, KDOP_KUBE_BIN) with the
     * chart's RBAC, instead of the in-process API stand-in.
     */
    public static void main(String[] args) throws Exception {
        boolean realApi = args.length > 0 && "--real-api".equals(args[0]);
        List<Integer> sizes = List.of(args).stream().filter(a -> !a.startsWith("--")).map(Integer::parseInt).toList();
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000);
        }
        Path work = Repository.emptyDirectory("tests/e2e/target/bench-join-storm");
        JoinFailures failures = JoinFailures.attach();
        List<Result> results = new ArrayList<>();
        try (ApiTarget api = realApi ? ApiTarget.real(work) : ApiTarget.standIn(work);
                HubProcess hub = HubProcess.start(List.of("-Xmx512m"), api.hubKubeconfig(), Ports.free(),
                        work.resolve("hub.log"), "--heartbeat-interval", "10s", "--heartbeat-grace", "40s")) {
            Cluster cluster = new Cluster(api.client());
            storm(cluster, hub, work, failures, "warm-", 10); // the hub's JIT, not reported
            for (int i = 0; i < sizes.size(); i++) {
                results.add(storm(cluster, hub, work, failures, "s" + i + "-", sizes.get(i)));
            }
        }
        System.out.println("API server: " + (realApi ? "real kube-apiserver (scripts/kube-up.sh), the chart's RBAC"
                : "the in-process stand-in"));
        System.out.println("| agents joining at once | all Connected after | half after | joins past the 30 s deadline "
                + "| joins the hub deferred (RESOURCE_EXHAUSTED) | other failed joins | s per 100 agents |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf("| %d | %.1f s | %.1f s | %d | %d | %d | %.2f |%n", r.agents(),
                    r.allConnected().toMillis() / 1000.0, r.halfConnected().toMillis() / 1000.0, r.deadlineExceeded(),
                    r.throttled(), r.otherJoinFailures(), r.allConnected().toMillis() / 10.0 / r.agents());
        }
        System.exit(0);
    }

    /** The API server the hub uses: the stand-in, or the real one with kdop's CRDs and RBAC installed. */
    private record ApiTarget(KubernetesClient client, Path hubKubeconfig, AutoCloseable owner) implements AutoCloseable {

        static ApiTarget standIn(Path work) {
            ApiServerStandIn api = new ApiServerStandIn(work);
            return new ApiTarget(api.client(), api.kubeconfig(), api);
        }

        static ApiTarget real(Path work) {
            RealKube kube = RealKube.require();
            kube.installCrdsAndHubPermissions(HubProcess.NAMESPACE);
            return new ApiTarget(kube.admin(), kube.hubKubeconfig(HubProcess.NAMESPACE, work), kube);
        }

        @Override
        public void close() throws Exception {
            owner.close();
        }
    }

    private static Result storm(Cluster cluster, HubProcess hub, Path work, JoinFailures failures, String prefix,
            int n) throws Exception {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cluster.createHost(prefix + i, null);
            hosts.add(prefix + i);
        }
        // one list per poll rather than a wait per host: the tokens of 1000 hosts are ready in seconds
        long tokensDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (published(cluster, prefix) < n) {
            if (System.nanoTime() > tokensDeadline) {
                throw new IllegalStateException("the hub published " + published(cluster, prefix) + " of " + n
                        + " join tokens in 5 minutes");
            }
            Thread.sleep(500);
        }
        List<String> tokens = new ArrayList<>();
        for (String host : hosts) {
            tokens.add(cluster.secretValue(cluster.host(host).getStatus().getJoinSecretName(), "token"));
        }
        failures.reset();
        List<SimulatedAgent> agents = new ArrayList<>();
        // watched, not polled: listing a thousand hosts four times a second loaded the API server
        // and this JVM as much as the joins did
        try (ConnectedWatch watch = new ConnectedWatch(cluster, prefix, n)) {
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    agents.add(new SimulatedAgent(hub.address(), tokens.get(i), work.resolve("state-" + hosts.get(i)),
                            Duration.ofSeconds(30)));
                }
                if (!watch.all.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(watch.connected.size() + " of " + n + " connected after 5 minutes");
                }
                return new Result(n, Duration.ofNanos(watch.allAt - t0), Duration.ofNanos(watch.halfAt - t0),
                        failures.deadlineExceeded.get(), failures.throttled.get(), failures.other.get());
            } finally {
                for (SimulatedAgent a : agents) {
                    a.close();
                }
            }
        }
    }

    /** The moments half and all of one storm's hosts were first seen Connected, from a watch. */
    private static final class ConnectedWatch implements ResourceEventHandler<DockerHost>, AutoCloseable {
        final Set<String> connected = ConcurrentHashMap.newKeySet();
        final CountDownLatch all = new CountDownLatch(1);
        volatile long halfAt;
        volatile long allAt;
        private final String prefix;
        private final int n;
        private final SharedIndexInformer<DockerHost> informer;

        ConnectedWatch(Cluster cluster, String prefix, int n) {
            this.prefix = prefix;
            this.n = n;
            this.informer = cluster.client().resources(DockerHost.class).inNamespace(Cluster.NS).inform(this);
        }

        @Override
        public void onAdd(DockerHost host) {
            seen(host);
        }

        @Override
        public void onUpdate(DockerHost before, DockerHost host) {
            seen(host);
        }

        @Override
        public void onDelete(DockerHost host, boolean unknownFinalState) {}

        private synchronized void seen(DockerHost host) {
            if (!host.getMetadata().getName().startsWith(prefix) || host.getStatus() == null
                    || !"Connected".equals(host.getStatus().getPhase()) || !connected.add(host.getMetadata().getName())) {
                return;
            }
            long now = System.nanoTime();
            if (halfAt == 0 && connected.size() * 2 >= n) {
                halfAt = now;
            }
            if (connected.size() == n) {
                allAt = now;
                all.countDown();
            }
        }

        @Override
        public void close() {
            informer.close();
        }
    }

    private static long published(Cluster cluster, String prefix) {
        return cluster.client().resources(DockerHost.class).inNamespace(Cluster.NS).list().getItems().stream()
                .filter(h -> h.getMetadata().getName().startsWith(prefix))
                .filter(h -> h.getStatus() != null && h.getStatus().getJoinSecretName() != null).count();
    }

    /** Counts the agents' "join failed" log lines by cause. */
    private static final class JoinFailures extends AppenderBase<ILoggingEvent> {
        final AtomicInteger deadlineExceeded = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
        final AtomicInteger other = new AtomicInteger();

        static JoinFailures attach() {
            JoinFailures appender = new JoinFailures();
            Logger agentLog = (Logger) LoggerFactory.getLogger("io.kdop.agent.session.Agent");
            appender.setContext(agentLog.getLoggerContext());
            appender.start();
            agentLog.addAppender(appender);
            return appender;
        }

        void reset() {
            deadlineExceeded.set(0);
            throttled.set(0);
            other.set(0);
        }

        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getFormattedMessage();
            if (!line.startsWith("join failed")) {
                return;
            }
            if (line.contains("did not answer in time")) {
                deadlineExceeded.incrementAndGet();
            } else if (line.contains("RESOURCE_EXHAUSTED")) {
                throttled.incrementAndGet();
            } else {
                other.incrementAndGet();
            }
        }
    }

}
