package io.kdop.hub.pki;

import java.util.Locale;

/**
 * What a rotation request on the CA Secret asks the hub to do, decided without I/O. A user asks
 * for a step with the annotation {@value #REQUEST}; the hub records the last step it carried out
 * in {@value #DONE}, so a request already carried out does nothing, however often the Secret is
 * read again, and a step is never carried out twice.
 */
public sealed interface CaRotation {

    /** The annotation a user sets: {@code add}, {@code promote} or {@code retire}. */
    String REQUEST = "kdop.io.vn/ca-rotation";
    /** The annotation the hub sets to the last step it carried out. */
    String DONE = "kdop.io.vn/ca-rotation-done";
    /** The annotation the hub sets to one line saying where the rotation stands, or why a request was refused. */
    String STATUS = "kdop.io.vn/ca-rotation-status";

    /** The steps of a rotation, in order. */
    enum Step {
        ADD, PROMOTE, RETIRE;

        /** As written in the annotation. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Nothing to do: no request, or it was carried out already. */
    record Nothing() implements CaRotation {}

    /** Carry out this step. */
    record Perform(Step step) implements CaRotation {}

    /** The request cannot be carried out now; the reason goes into the status annotation. */
    record Refuse(String reason) implements CaRotation {}

    /**
     * @param phase where the rotation stands, from the Secret's data
     * @param requested the value of {@value #REQUEST}, or null
     * @param done the value of {@value #DONE}, or null
     */
    static CaRotation decide(CaSet.Phase phase, String requested, String done) {
        if (requested == null || requested.isBlank()) {
            return new Nothing();
        }
        String word = requested.strip().toLowerCase(Locale.ROOT);
        if (word.equals(done)) {
            return new Nothing();
        }
        Step step;
        try {
            step = Step.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Refuse(REQUEST + " must be add, promote or retire, not '" + requested.strip() + "'");
        }
        return switch (step) {
            case ADD -> switch (phase) {
                case STABLE -> new Perform(step);
                case ADDED -> new Nothing();
                case PROMOTED -> new Refuse("add refused: the previous rotation is not finished (promoted); "
                        + "retire its old CA first");
            };
            case PROMOTE -> switch (phase) {
                case ADDED -> new Perform(step);
                case PROMOTED -> new Nothing();
                case STABLE -> new Refuse("promote refused: there is no next CA to promote; start with add");
            };
            case RETIRE -> switch (phase) {
                case PROMOTED -> new Perform(step);
                case ADDED -> new Refuse("retire refused: the next CA is not promoted yet; promote it first "
                        + "(retiring now would retire the CA that signs everything)");
                case STABLE -> new Refuse("retire refused: there is no previous CA to retire; a rotation starts "
                        + "with add");
            };
        };
    }
}
