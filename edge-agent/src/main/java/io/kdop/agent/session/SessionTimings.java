package io.kdop.agent.session;

import java.time.Duration;

/**
 * How long the agent waits for what during its sessions; {@link #DEFAULT} in production, shorter
 * in tests.
 *
 * @param welcomeTimeout how long after its hello the agent waits for HubWelcome before it gives
 *     the call up and reconnects
 * @param firstFactsWait how long the first hello waits for the first Docker inspection before it
 *     goes out with empty facts
 * @param factsRefresh how often the host's facts and inventory are read from Docker
 */
public record SessionTimings(Duration welcomeTimeout, Duration firstFactsWait, Duration factsRefresh) {

    public static final SessionTimings DEFAULT =
            new SessionTimings(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5));
}
