package io.kdop.hub.session;

import io.kdop.hub.pki.AgentCertificates;
import io.kdop.hub.state.DesiredStateBook;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an agent session needs from the rest of the hub.
 *
 * @param helloDeadline how long a connected peer may take to say hello before it is dropped
 * @param scheduler runs the hello deadline and certificate expiry; shared by all sessions
 * @param renewals limits certificate renewals per identity, across streams
 */
public record SessionServices(SessionRegistry registry, HostDirectory hosts, DesiredStateBook desiredStates,
        WorkloadReports reports,
        AgentCertificates certificates, RenewalLimiter renewals, Duration heartbeatInterval, Duration helloDeadline, String hubVersion,
        ScheduledExecutorService scheduler, Clock clock) {}
