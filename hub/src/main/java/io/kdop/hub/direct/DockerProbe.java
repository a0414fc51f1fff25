package io.kdop.hub.direct;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import io.kdop.engine.docker.DockerClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a direct host's Docker API who it is (version, then info) with docker-java, the agent's
 * client, over a fresh connection each time: a probe proves the address, the TLS handshake both
 * ways and the API, with nothing cached from an earlier answer. With TLS, a TLS 1.2 handshake of
 * its own comes first, so that a refusal is told by the handshake rather than guessed from an API
 * call; an endpoint that speaks TLS 1.3 only (a proxy in front of the daemon, say) is asked with
 * TLS 1.3 straight away, where a refused client certificate shows in the API call instead.
 */
public final class DockerProbe {

    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private DockerProbe() {}

    /** @param tls the mutual-TLS contexts of a TLS endpoint, empty for plain TCP or a Unix socket */
    public static ProbeResult probe(DirectEndpoint endpoint, Optional<DirectTls.Built.Ready> tls) {
        SSLContext api = null;
        boolean tls13Only = false;
        if (tls.isPresent()) {
            // the handshake alone first: its failure names the TLS cause more surely than an API call's
            switch (handshake(endpoint, tls.get())) {
                case Handshake.Failed failed -> {
                    return failed.failure();
                }
                case Handshake.Done done -> api = tls.get().probeContext();
                case Handshake.Tls13Only only -> {
                    api = tls.get().context();
                    tls13Only = true;
                }
            }
        }
        SSLContext context = api;
        // No DOCKER_* environment or ~/.docker-java.properties of the hub's: only the DockerHost's spec counts.
        DockerClient client = DockerClients.create(endpoint.dockerHost(), context == null ? null : () -> context,
                CONNECT_TIMEOUT, RESPONSE_TIMEOUT, 1);
        boolean firstAnswered = false;
        try (DockerClient docker = client) {
            Version version = docker.versionCmd().exec();
            firstAnswered = true; // the certificates were accepted: a later failure is not about them
            Info info = docker.infoCmd().exec();
            return new ProbeResult.Answered(new DockerFacts(version.getVersion(), version.getApiVersion(),
                    first(version.getOperatingSystem(), info.getOsType()), first(version.getArch(), info.getArchitecture()),
                    info.getOperatingSystem(), first(info.getKernelVersion(), version.getKernelVersion()),
                    info.getNCPU(), info.getMemTotal(), info.getContainersRunning(), info.getContainers()));
        } catch (RuntimeException | IOException e) {
            // under TLS 1.3 the daemon checks the client certificate after the handshake: its refusal
            // comes with the first request, and as a dropped connection as often as with the alert
            ProbeResult.Failed failed = tls13Only && !firstAnswered
                    ? ProbeFailures.classifyTls13FirstRequest(e, endpoint,
                            tls.get().clientCertificateAsked().getAsBoolean())
                    : ProbeFailures.classify(e, endpoint);
            logged(endpoint, failed, e);
            return failed;
        }
    }

    /** How the probe's own TLS 1.2 handshake went. */
    private sealed interface Handshake {
        /** Both certificates were accepted. */
        record Done() implements Handshake {}

        /** The endpoint refused TLS 1.2 itself (alert protocol_version): the API call is made with TLS 1.3. */
        record Tls13Only() implements Handshake {}

        record Failed(ProbeResult.Failed failure) implements Handshake {}
    }

    private static Handshake handshake(DirectEndpoint endpoint, DirectTls.Built.Ready tls) {
        URI uri = URI.create(endpoint.dockerHost());
        try (SSLSocket socket = (SSLSocket) tls.probeContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) RESPONSE_TIMEOUT.toMillis());
            if (endpoint.serverName() != null && !isAddress(endpoint.serverName())) {
                // as a client that dials the name would: a proxy that routes by SNI finds the daemon
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(endpoint.serverName())));
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            return new Handshake.Done();
        } catch (IOException e) {
            if (ProbeFailures.refusedTls12(e)) {
                LOG.debug("probe of {}: the endpoint speaks TLS 1.3 only; asking the API with TLS 1.3",
                        endpoint.dockerHost());
                return new Handshake.Tls13Only();
            }
            ProbeResult.Failed failed = ProbeFailures.classifyHandshake(e, endpoint,
                    tls.clientCertificateAsked().getAsBoolean());
            logged(endpoint, failed, e);
            return new Handshake.Failed(failed);
        }
    }

    private static boolean isAddress(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static void logged(DirectEndpoint endpoint, ProbeResult.Failed failed, Throwable e) {
        if (LOG.isDebugEnabled()) {
            // what the classification saw: exception types and first lines (TLS errors carry no key material)
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null && chain.length() < 2000; t = t.getCause()) {
                chain.append(" <- ").append(t.getClass().getSimpleName()).append(": ")
                        .append(t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse(""));
            }
            LOG.debug("probe of {}: {}{}", endpoint.dockerHost(), failed.reason(), chain);
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
