package io.kdop.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import io.kdop.engine.plan.ContainerConfig;
import io.kdop.engine.plan.DesiredContainer;
import io.kdop.engine.plan.HealthConfig;
import io.kdop.engine.plan.ImageReference;
import io.kdop.engine.plan.PortMapping;
import io.kdop.engine.plan.SpecCheck;
import io.kdop.proto.v1.RegistryCredential;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Carries out the Docker operations of a plan; every failure surfaces as an exception with Docker's message. */
public final class DockerExecutor implements DockerCalls {

    /** How long a stopped container gets to exit before Docker kills it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration LOGS_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_BUFFER = 64 * 1024;

    private final DockerClient client;
    private final Duration pullTimeout;

    public DockerExecutor(DockerClient client, Duration pullTimeout) {
        this.client = client;
        this.pullTimeout = pullTimeout;
    }

    /** Pulls the image, with the credential for its registry if there is one. */
    @Override
    public void pull(String image, Optional<RegistryCredential> credential) throws InterruptedException {
        ImageReference ref = ImageReference.parse(image);
        var cmd = client.pullImageCmd(ref.repository()).withTag(ref.tagOrDigest());
        credential.ifPresent(c -> cmd.withAuthConfig(new AuthConfig()
                .withRegistryAddress(c.getServer())
                .withUsername(c.getUsername())
                .withPassword(c.getPassword())));
        // start() follows the pull's progress stream; awaitCompletion rethrows an error the daemon
        // answered with, and one it streamed (a pull that ended without a success message)
        try (ResultCallback.Adapter<PullResponseItem> callback = cmd.start()) {
            if (!callback.awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the pull of " + image + " took longer than " + pullTimeout.toSeconds() + "s");
            }
        } catch (IOException e) {
            // closing a finished pull stream: nothing to clean up
        }
    }

    /** Creates the container (not started); returns its id. */
    @Override
    public String create(DesiredContainer desired) {
        ContainerConfig c = desired.config();
        HostConfig host = HostConfig.newHostConfig()
                .withRestartPolicy(restartPolicy(c))
                .withBinds(c.binds().stream().map(DockerExecutor::bind).toList());
        if (!c.ports().isEmpty()) {
            Ports ports = new Ports();
            for (PortMapping p : c.ports()) {
                ports.bind(exposed(p), new Ports.Binding(p.hostIp(), p.hostPort() == 0 ? "" : Integer.toString(p.hostPort())));
            }
            host.withPortBindings(ports);
        }
        if (c.nanoCpus() > 0) {
            host.withNanoCPUs(c.nanoCpus());
        }
        if (c.memoryBytes() > 0) {
            host.withMemory(c.memoryBytes());
        }
        if (!c.networkMode().isEmpty()) {
            host.withNetworkMode(c.networkMode());
        }
        CreateContainerCmd cmd = client.createContainerCmd(c.image())
                .withName(desired.name())
                .withLabels(desired.labels())
                .withEnv(c.env())
                .withHostConfig(host);
        if (!c.cmd().isEmpty()) {
            cmd.withCmd(c.cmd());
        }
        if (!c.entrypoint().isEmpty()) {
            cmd.withEntrypoint(c.entrypoint());
        }
        if (!c.ports().isEmpty()) {
            Set<ExposedPort> exposed = new LinkedHashSet<>();
            c.ports().forEach(p -> exposed.add(exposed(p)));
            cmd.withExposedPorts(List.copyOf(exposed));
        }
        if (c.health() != null) {
            cmd.withHealthcheck(healthCheck(c.health()));
        }
        return cmd.exec().getId();
    }

    /** Starts a container; one already running is fine. */
    @Override
    public void start(String id) {
        try {
            client.startContainerCmd(id).exec();
        } catch (NotModifiedException e) {
            // already running
        }
    }

    /** Stops (with {@link #STOP_GRACE}) and removes a container with its anonymous volumes; one already gone is fine. */
    @Override
    public void stopAndRemove(String id) {
        try {
            client.stopContainerCmd(id).withTimeout((int) STOP_GRACE.toSeconds()).exec();
        } catch (NotModifiedException e) {
            // already stopped
        } catch (NotFoundException e) {
            return;
        }
        try {
            // forced: a restart policy may have brought it back between the stop and the removal.
            // Volumes stay: an image's VOLUME (a database's data) must survive a recreation; a
            // dangling anonymous volume is the user's to prune, lost data is not recoverable.
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(false).exec();
        } catch (NotFoundException e) {
            // gone already
        }
    }

    /**
     * Kills a container at once (SIGKILL: a job past its deadline gets no grace) and waits briefly
     * until Docker reports it exited; one already stopped or gone is fine.
     */
    @Override
    public void kill(String id) {
        try {
            client.killContainerCmd(id).exec();
        } catch (NotFoundException | ConflictException e) {
            return; // gone, or not running (Docker answers 409)
        }
        try {
            client.waitContainerCmd(id).start().awaitStatusCode(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // the next pass sees its state either way
        }
    }

    /** Removes a container, killing it if it runs; its volumes stay (as in {@link #stopAndRemove}); one gone is fine. */
    @Override
    public void remove(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(false).exec();
        } catch (NotFoundException e) {
            // gone already
        }
    }

    /**
     * The last {@code lines} lines of a container's output, stdout and stderr interleaved as Docker
     * stored them. Only the last {@value #TAIL_BUFFER} bytes are kept: a job may print one huge line.
     */
    @Override
    public byte[] outputTail(String id, int lines) throws InterruptedException {
        TailBuffer tail = new TailBuffer(TAIL_BUFFER);
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                tail.append(frame.getPayload());
            }
        };
        try (callback) {
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines).exec(callback);
            if (!callback.awaitCompletion(LOGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("reading the output of " + id + " took longer than "
                        + LOGS_TIMEOUT.toSeconds() + "s");
            }
        } catch (IOException e) {
            // closing a finished log stream: nothing to clean up
        }
        return tail.bytes();
    }

    /** Keeps the last {@code limit} bytes (at least) of what is appended, in bounded memory. */
    private static final class TailBuffer {
        private final int limit;
        private ByteArrayOutputStream out = new ByteArrayOutputStream();

        TailBuffer(int limit) {
            this.limit = limit;
        }

        synchronized void append(byte[] bytes) {
            if (bytes == null) {
                return;
            }
            out.writeBytes(bytes);
            if (out.size() > 2 * limit) {
                byte[] all = out.toByteArray();
                out = new ByteArrayOutputStream();
                out.write(all, all.length - limit, limit);
            }
        }

        synchronized byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static RestartPolicy restartPolicy(ContainerConfig c) {
        return switch (c.restartPolicy()) {
            case "always" -> RestartPolicy.alwaysRestart();
            case "unless-stopped" -> RestartPolicy.unlessStoppedRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(c.maxRetries());
            default -> RestartPolicy.noRestart();
        };
    }

    private static Bind bind(String canonical) {
        // host:container:ro|rw, as ContainerConfig.bind writes it; paths have no colon (SpecCheck)
        int last = canonical.lastIndexOf(':');
        String mode = canonical.substring(last + 1);
        String paths = canonical.substring(0, last);
        int split = paths.lastIndexOf(':');
        return new Bind(paths.substring(0, split), new Volume(paths.substring(split + 1)),
                mode.equals("ro") ? AccessMode.ro : AccessMode.rw);
    }

    private static ExposedPort exposed(PortMapping p) {
        return new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
    }

    private static HealthCheck healthCheck(HealthConfig h) {
        HealthCheck check = new HealthCheck().withTest(h.test());
        if (h.intervalNanos() > 0) {
            check.withInterval(h.intervalNanos());
        }
        if (h.timeoutNanos() > 0) {
            check.withTimeout(h.timeoutNanos());
        }
        if (h.retries() > 0) {
            check.withRetries(h.retries());
        }
        if (h.startPeriodNanos() > 0) {
            check.withStartPeriod(h.startPeriodNanos());
        }
        return check;
    }
}
