package io.kdop.hub.direct;

/**
 * One entry of a secret volume, as read from or written to it through Docker's archive endpoint.
 * Its {@code toString} never shows the content (a secret value).
 *
 * @param path relative to the volume's root, "/"-separated
 * @param content a file's bytes; empty for the others
 * @param linkTarget a symbolic link's target; "" for the others
 * @param mode the permission bits
 */
record VolumeEntry(String path, Kind kind, byte[] content, String linkTarget, int mode) {

    /** What an entry is; anything else in a volume (a device, a FIFO) counts as OTHER. */
    enum Kind { FILE, DIRECTORY, LINK, OTHER }

    static VolumeEntry file(String path, byte[] content, int mode) {
        return new VolumeEntry(path, Kind.FILE, content, "", mode);
    }

    static VolumeEntry directory(String path, int mode) {
        return new VolumeEntry(path, Kind.DIRECTORY, new byte[0], "", mode);
    }

    static VolumeEntry link(String path, String target) {
        return new VolumeEntry(path, Kind.LINK, new byte[0], target, 0777);
    }

    @Override
    public String toString() {
        return kind + " " + path + (kind == Kind.LINK ? " -> " + linkTarget : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeEntry e && path.equals(e.path) && kind == e.kind && linkTarget.equals(e.linkTarget)
                && mode == e.mode && java.util.Arrays.equals(content, e.content);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(path, kind, linkTarget, mode, java.util.Arrays.hashCode(content));
    }
}
