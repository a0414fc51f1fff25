package io.kdop.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdop.engine.plan.ManagedContainers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Docker itself says about the containers the edge agent manages (its labels, states, start
 * times) and what happened to them (docker events), read with the docker CLI: the ground truth a
 * test holds kdop's statuses and promises against.
 */
public final class AgentContainers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AgentContainers() {}

    /**
     * One container as docker inspect shows it.
     *
     * @param jobAttempt the attempt label of a DockerJob's container, 0 on others
     */
    public record Container(String id, String name, String status, String startedAt, String image, List<String> env,
            String kind, String workloadName, String workloadUid, int jobAttempt) {

        /** Docker's view of whether it is the same run: a restart or recreation changes this. */
        public String run() {
            return id + " " + startedAt;
        }
    }

    /**
     * The agent's containers (by its managed-by label) whose name starts with the prefix, running
     * or not. A container removed between the listing and the inspection is left out.
     */
    public static List<Container> list(String namePrefix) {
        Cli.Result ids = Cli.run(TIMEOUT, "docker", "ps", "-aq", "--no-trunc",
                "--filter", "label=" + ManagedContainers.MANAGED_BY + "=" + ManagedContainers.MANAGED_BY_VALUE,
                "--filter", "name=^/" + namePrefix);
        List<String> found = ids.orFail().lines().filter(l -> !l.isBlank()).toList();
        if (found.isEmpty()) {
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of("docker", "inspect"));
        command.addAll(found);
        Cli.Result inspected = Cli.run(Map.of(), null, TIMEOUT, command);
        if (!inspected.ok() && !inspected.stderr().contains("No such")) {
            throw new AssertionError(inspected.toString());
        }
        List<Container> containers = new ArrayList<>();
        try {
            for (JsonNode c : JSON.readTree(inspected.stdout())) {
                JsonNode labels = c.path("Config").path("Labels");
                List<String> env = new ArrayList<>();
                c.path("Config").path("Env").forEach(e -> env.add(e.asText()));
                containers.add(new Container(c.path("Id").asText(), c.path("Name").asText().replaceFirst("^/", ""),
                        c.path("State").path("Status").asText(), c.path("State").path("StartedAt").asText(),
                        c.path("Config").path("Image").asText(), List.copyOf(env),
                        labels.path(ManagedContainers.WORKLOAD_KIND).asText(""),
                        labels.path(ManagedContainers.WORKLOAD_NAME).asText(""),
                        labels.path(ManagedContainers.WORKLOAD_UID).asText(""),
                        labels.path(ManagedContainers.JOB_ATTEMPT).asInt(0)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("docker inspect printed no JSON: " + inspected, e);
        }
        return containers;
    }

    /** The containers of each workload UID. */
    public static Map<String, List<Container>> byWorkloadUid(List<Container> containers) {
        Map<String, List<Container>> byUid = new TreeMap<>();
        containers.forEach(c -> byUid.computeIfAbsent(c.workloadUid(), k -> new ArrayList<>()).add(c));
        return byUid;
    }

    /** One docker event of a container: its name and the action ("exec_create: ..." as "exec_create"). */
    public record Event(String container, String action) {}

    /**
     * docker events of the agent's containers whose name starts with the prefix, between the two
     * times, oldest first. Docker keeps only the last few hundred events: ask about short spans.
     */
    public static List<Event> events(String namePrefix, Instant since, Instant until) {
        Cli.Result r = Cli.run(TIMEOUT, "docker", "events", "--since", unix(since), "--until", unix(until),
                "--filter", "type=container",
                "--filter", "label=" + ManagedContainers.MANAGED_BY + "=" + ManagedContainers.MANAGED_BY_VALUE,
                "--format", "{{.Actor.Attributes.name}}\t{{.Action}}");
        return r.orFail().lines().filter(l -> l.startsWith(namePrefix) && l.contains("\t"))
                .map(l -> new Event(l.substring(0, l.indexOf('\t')),
                        l.substring(l.indexOf('\t') + 1).replaceFirst(":.*", "")))
                .toList();
    }

    /** How often each action happened to the named container, among the events. */
    public static Map<String, Integer> actions(List<Event> events, String containerName) {
        Map<String, Integer> counts = new TreeMap<>();
        events.stream().filter(e -> e.container().equals(containerName))
                .forEach(e -> counts.merge(e.action(), 1, Integer::sum));
        return counts;
    }

    private static String unix(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }
}
