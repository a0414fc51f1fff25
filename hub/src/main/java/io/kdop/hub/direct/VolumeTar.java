package io.kdop.hub.direct;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Secret volume entries as the tar streams Docker's archive endpoint takes and gives. Entries are
 * owned by root (the endpoint keeps a tar's owner unless told to copy the container's).
 */
final class VolumeTar {

    /** A Secret holds at most 1 MiB; anything much larger in a volume is not ours to read. */
    private static final long MAX_FILE = 4L << 20;

    private VolumeTar() {}

    /** A tar of {@code entries}, in order, dated {@code now}. */
    static byte[] write(List<VolumeEntry> entries, Instant now) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (VolumeEntry e : entries) {
                TarArchiveEntry t = switch (e.kind()) {
                    case FILE -> new TarArchiveEntry(e.path(), TarArchiveEntry.LF_NORMAL);
                    case DIRECTORY -> new TarArchiveEntry(e.path() + "/", TarArchiveEntry.LF_DIR);
                    case LINK -> {
                        TarArchiveEntry link = new TarArchiveEntry(e.path(), TarArchiveEntry.LF_SYMLINK);
                        link.setLinkName(e.linkTarget());
                        yield link;
                    }
                    case OTHER -> throw new IllegalArgumentException("cannot write " + e);
                };
                t.setMode(e.mode());
                t.setIds(0, 0);
                t.setModTime(Date.from(now));
                t.setSize(e.kind() == VolumeEntry.Kind.FILE ? e.content().length : 0);
                tar.putArchiveEntry(t);
                if (e.kind() == VolumeEntry.Kind.FILE) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * The entries of a tar Docker gave for a directory: their paths relative to it (Docker names
     * them below the directory's own name, which is dropped; the directory itself is not listed).
     */
    static Map<String, VolumeEntry> read(InputStream in) throws IOException {
        Map<String, VolumeEntry> entries = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry t = tar.getNextEntry(); t != null; t = tar.getNextEntry()) {
            String name = t.getName();
            while (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            int slash = name.indexOf('/');
            if (slash < 0) {
                continue; // the directory itself
            }
            String path = name.substring(slash + 1);
            int mode = t.getMode() & 07777;
            VolumeEntry e;
            if (t.isSymbolicLink()) {
                e = VolumeEntry.link(path, t.getLinkName());
            } else if (t.isDirectory()) {
                e = VolumeEntry.directory(path, mode);
            } else if (t.isFile() && t.getSize() <= MAX_FILE) {
                e = VolumeEntry.file(path, tar.readAllBytes(), mode);
            } else {
                e = new VolumeEntry(path, VolumeEntry.Kind.OTHER, new byte[0], "", mode);
            }
            entries.put(path, e);
        }
        return entries;
    }
}
