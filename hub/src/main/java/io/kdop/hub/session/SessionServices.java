package io.kdop.hub.session;

import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.state.DesiredStateBook;
import java.time.Duration;

/** What an agent session needs from the rest of the hub. */
public record SessionServices(SessionRegistry registry, HostDirectory hosts, DesiredStateBook desiredStates,
        AgentCertificates certificates, Duration heartbeatInterval, String hubVersion) {}
