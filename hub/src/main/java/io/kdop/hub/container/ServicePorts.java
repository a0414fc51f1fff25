package io.kdop.hub.container;

import io.kdop.hub.api.container.ServicePort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The seed's {@code services} entries as the ports of one Service: {@code name} is the port's
 * name, {@code port} the Service's port, {@code targetPort} the container's (default: port).
 */
public final class ServicePorts {

    private ServicePorts() {}

    /** One Service port: its name, its port, and the container port it reaches. */
    public record Port(String name, int port, int targetPort) {}

    /** The ports, or the first problem with the entries. */
    public sealed interface Result {
        record Valid(List<Port> ports) implements Result {}

        record Invalid(SpecProblem problem) implements Result {}
    }

    public static Result of(String field, List<ServicePort> entries) {
        List<Port> ports = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ServicePort e : entries == null ? List.<ServicePort>of() : entries) {
            if (e == null || e.port() == null) {
                return invalid(field + ": every entry needs a port");
            }
            int target = e.targetPort() == null ? e.port() : e.targetPort();
            if (e.port() < 1 || e.port() > 65535 || target < 1 || target > 65535) {
                return invalid(field + ": port " + e.port() + " -> " + target + " is not within 1-65535");
            }
            if (!seen.add(e.port())) {
                return invalid(field + ": port " + e.port() + " appears twice");
            }
            String name = e.name() == null ? "" : e.name();
            if (!name.isEmpty() && (!name.matches("[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?") || !names.add(name))) {
                return invalid(field + ": port name \"" + name + "\" must be unique, at most 15 lower-case letters, "
                        + "digits and '-' (a Kubernetes port name)");
            }
            ports.add(new Port(name, e.port(), target));
        }
        return new Result.Valid(List.copyOf(ports));
    }

    private static Result invalid(String message) {
        return new Result.Invalid(SpecProblem.of("InvalidService", message));
    }
}
