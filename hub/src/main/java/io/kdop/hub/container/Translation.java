package io.kdop.hub.container;

import io.kdop.proto.v1.ContainerSpec;
import java.util.List;

/** The outcome of translating a DockerContainer: a complete spec for the agent, or what is wrong with it. */
public sealed interface Translation {

    /** Every field made sense and every reference resolved. */
    record Valid(ContainerSpec spec) implements Translation {}

    /** At least one problem; nothing of this spec may reach the agent. */
    record Invalid(List<SpecProblem> problems) implements Translation {
        public SpecProblem first() {
            return problems.getFirst();
        }

        /** One problem for a status condition: the first one's reason, every message. */
        public SpecProblem summary() {
            if (problems.size() == 1) {
                return first();
            }
            return SpecProblem.of(first().reason(), problems.stream().map(SpecProblem::message)
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
    }
}
