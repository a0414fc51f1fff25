package io.kdop.hub.container;

import io.kdop.proto.v1.JobSpec;

/** The outcome of translating a DockerJob: a complete job for the agent, or what is wrong with it. */
public sealed interface JobTranslation {

    /** Every field made sense and every reference resolved. */
    record Valid(JobSpec spec) implements JobTranslation {}

    /** At least one problem; nothing of this spec may reach the agent. */
    record Invalid(Translation.Invalid problems) implements JobTranslation {}
}
