package io.kdop.agent.session;

/** The hub's gRPC endpoint as given on the command line: {@code HOST:PORT} or {@code [IPv6]:PORT}. */
public record HubAddress(String host, int port) {

    public HubAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the hub address needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the hub port must be 1-65535");
        }
    }

    public static HubAddress parse(String text) {
        String s = text == null ? "" : text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("hub address '" + s + "' is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("hub address '" + s + "': write an IPv6 host as [addr]:PORT");
        }
        try {
            return new HubAddress(host, Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hub address '" + s + "' has no numeric port");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
