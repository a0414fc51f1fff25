package io.kdop.hub.tunnel;

import java.util.BitSet;

/**
 * The hub's ports for tunnel listeners, from a fixed range. A Service keeps its port across hub
 * restarts: the port is its targetPort, read back and reserved before anything new is handed out.
 */
final class TunnelPorts {

    private final int first;
    private final int last;
    private final BitSet used = new BitSet();
    /** Where the next search starts: a port just freed is the last one handed out again. */
    private int cursor;

    TunnelPorts(int first, int last) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("tunnel port range " + first + "-" + last + " is not within 1-65535");
        }
        this.first = first;
        this.last = last;
    }

    boolean inRange(int port) {
        return port >= first && port <= last;
    }

    /** Takes a port a Service already names; false when it is outside the range or taken. */
    synchronized boolean reserve(int port) {
        if (!inRange(port) || used.get(port - first)) {
            return false;
        }
        used.set(port - first);
        return true;
    }

    synchronized int allocate() {
        int size = last - first + 1;
        int free = used.nextClearBit(cursor);
        if (free >= size) {
            free = used.nextClearBit(0);
        }
        if (free >= size) {
            throw new IllegalStateException("all " + (last - first + 1) + " tunnel ports (" + first + "-" + last
                    + ") are in use: widen --tunnel-ports");
        }
        used.set(free);
        cursor = (free + 1) % size;
        return first + free;
    }

    synchronized void release(int port) {
        if (inRange(port)) {
            used.clear(port - first);
        }
    }
}
