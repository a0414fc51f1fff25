package io.kdop.agent.identity;

import io.kdop.proto.CaPin;
import java.util.List;

/** Why the agent refused the hub's certificate during a join; each case is one line for the user. */
public sealed interface UntrustedHub {

    /** The line the agent exits with; {@code dialedHost} is the host of --hub. */
    String message(String dialedHost);

    /**
     * No certificate of the chain has the pinned key. {@code presented} is the key hash of the
     * chain's last certificate; {@code single} says the hub sent only that one certificate (its
     * server certificate, normally), so it is no CA the agent could name.
     */
    record PinMismatch(CaPin pinned, CaPin presented, boolean single, String subject) implements UntrustedHub {
        @Override
        public String message(String dialedHost) {
            return describe() + "; refusing to send the join token";
        }

        /** Also the handshake's own error text. */
        public String describe() {
            return single
                    ? "the hub presented only one certificate (" + subject + ", key " + presented
                            + ") and no CA certificate; none matches the pinned " + pinned
                    : "the hub's CA " + presented + " does not match the pinned " + pinned;
        }
    }

    /** The pinned CA is in the chain, but the server certificate does not verify against it. */
    record ChainInvalid(CaPin pinned, String reason) implements UntrustedHub {
        @Override
        public String message(String dialedHost) {
            return "the hub's certificate does not verify against the CA pinned in the join token (" + pinned + "): "
                    + reason + "; refusing to send the join token";
        }
    }

    /** The chain verifies against the pinned CA, but the server certificate does not name the dialed host. */
    record NameMismatch(List<String> names) implements UntrustedHub {
        public NameMismatch {
            names = List.copyOf(names);
        }

        @Override
        public String message(String dialedHost) {
            return "the hub's certificate does not name " + dialedHost + ": its names are " + names
                    + "; use one of them in --hub or add " + dialedHost + " to the hub's --tls-san";
        }
    }
}
