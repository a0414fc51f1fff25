package io.kdop.hub.join;

import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * How often one network peer may call Join. Joins are unauthenticated, and each one costs a CSR
 * check, a signature and Kubernetes round trips: one address must not take the hub from the rest
 * of the fleet. The limit is per address, not global, so a fleet behind one NAT still joins at the
 * limit's rate (a second's worth at once) while a flood from elsewhere waits its own turn.
 */
public final class JoinThrottle {

    /** Default joins per second per address: far above a fleet's real rate, far below what floods the hub. */
    public static final int DEFAULT_PER_PEER = 100;

    private final LoadingCache<String, Bucket> perPeer;

    public JoinThrottle(int joinsPerSecond) {
        if (joinsPerSecond <= 0) {
            throw new IllegalArgumentException("the join rate must be positive, not " + joinsPerSecond);
        }
        Bandwidth limit = Bandwidth.builder().capacity(joinsPerSecond)
                .refillGreedy(joinsPerSecond, Duration.ofSeconds(1)).build();
        // Idle peers are forgotten, so a scan from many addresses cannot grow the map without end.
        this.perPeer = CacheBuilder.newBuilder()
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(100_000)
                .build(CacheLoader.from(() -> Bucket.builder().addLimit(limit).build()));
    }

    /** Whether a Join from this peer may proceed now; counts it if so. */
    public boolean admit(String peerAddress) {
        return perPeer.getUnchecked(peerAddress).tryConsume(1);
    }
}
