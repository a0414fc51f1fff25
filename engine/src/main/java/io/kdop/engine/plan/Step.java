package io.kdop.engine.plan;

/** One Docker operation of a plan, in the order the plan lists them. */
public sealed interface Step {

    /** Pull the workload's image (with the credential for its registry). */
    record Pull(String image) implements Step {}

    /** Stop (10 s grace) and remove a container of the workload. */
    record Remove(ObservedContainer container) implements Step {}

    /** Create the workload's container and start it. */
    record CreateAndStart(DesiredContainer container) implements Step {}

    /** Start an existing, stopped container. */
    record Start(ObservedContainer container) implements Step {}
}
