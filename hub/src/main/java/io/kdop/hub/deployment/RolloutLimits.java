package io.kdop.hub.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.kdop.hub.api.deployment.DeploymentStrategy;

/**
 * maxUnavailable and maxSurge resolved against spec.replicas as Kubernetes does: percentages of
 * maxSurge round up, of maxUnavailable down, and if both come to 0, one replica may be unavailable
 * (a rollout could not move otherwise). Recreate allows no surge and counts every replica.
 */
public record RolloutLimits(boolean recreate, int maxUnavailable, int maxSurge) {

    private static final String DEFAULT = "25%";

    /** @throws IllegalArgumentException naming the field and the expected form */
    public static RolloutLimits of(DeploymentStrategy strategy, int replicas) {
        if (strategy != null && DeploymentStrategy.RECREATE.equals(strategy.type())) {
            return new RolloutLimits(true, replicas, 0);
        }
        DeploymentStrategy.RollingUpdate rolling = strategy == null ? null : strategy.rollingUpdate();
        if (rolling != null && zero(rolling.maxUnavailable()) && zero(rolling.maxSurge())) {
            // as Kubernetes refuses it; percentages that merely round to 0 are allowed and handled below
            throw new IllegalArgumentException("spec.strategy.rollingUpdate.maxUnavailable and maxSurge are both 0: "
                    + "no replica could ever be replaced; let one of them be more than 0");
        }
        int unavailable = resolve("spec.strategy.rollingUpdate.maxUnavailable",
                rolling == null ? null : rolling.maxUnavailable(), replicas, false);
        int surge = resolve("spec.strategy.rollingUpdate.maxSurge", rolling == null ? null : rolling.maxSurge(),
                replicas, true);
        if (unavailable == 0 && surge == 0) {
            unavailable = 1;
        }
        return new RolloutLimits(false, Math.min(unavailable, replicas), surge);
    }

    /** Replicas that must stay available while old ones are replaced (Available's threshold). */
    public int minAvailable(int replicas) {
        return recreate ? replicas : Math.max(0, replicas - maxUnavailable);
    }

    private static boolean zero(IntOrString value) {
        return value != null && (Integer.valueOf(0).equals(value.getIntVal())
                || value.getStrVal() != null && value.getStrVal().strip().matches("0+%"));
    }

    static int resolve(String field, IntOrString value, int replicas, boolean roundUp) {
        Object raw = value == null ? DEFAULT : value.getIntVal() != null ? value.getIntVal() : value.getStrVal();
        if (raw instanceof Integer i) {
            if (i < 0) {
                throw new IllegalArgumentException(field + " is " + i + ": it must be 0 or more");
            }
            return i;
        }
        String text = String.valueOf(raw).strip();
        if (!text.matches("\\d{1,3}%")) {
            throw new IllegalArgumentException(field + " is '" + text + "': write a number of replicas (1) or a "
                    + "percentage of spec.replicas (25%)");
        }
        int percent = Integer.parseInt(text.substring(0, text.length() - 1));
        // a surge may exceed spec.replicas (as in Kubernetes); only unavailability is capped
        if (percent > 100 && !roundUp) {
            throw new IllegalArgumentException(field + " is " + text + ": at most 100%");
        }
        long scaled = (long) percent * replicas;
        return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
    }
}
