package io.kdop.hub.direct;

import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to write into a secret volume so that it holds one {@code secret_files} entry, laid out as
 * Kubernetes lays out a Secret volume: the files in a generation directory ({@code ..a} or
 * {@code ..b}), {@code ..data} a link to the current one, and each key a link
 * {@code key -> ..data/key}. Docker's archive endpoint cannot rename, and it writes a file by
 * removing it and writing it anew, so writing the files in place would let a running container
 * read a torn file; instead the new generation is written beside the old one and {@code ..data}
 * switched to it, so a reader sees all old or all new values. The old generation is then replaced
 * by an empty file (the endpoint cannot delete either), so no former value stays in the volume; a
 * key the Secret no longer has is left as a link to nothing. Files are 0644 in 0755 directories,
 * the agent's modes. Pure.
 */
final class SecretVolumeContent {

    static final String DATA = "..data";
    static final List<String> GENERATIONS = List.of("..a", "..b");
    static final int FILE_MODE = 0644;
    static final int DIRECTORY_MODE = 0755;

    /**
     * @param writes the entries to write, in order (none when the volume is current)
     * @param changes how many files' content changed or went
     */
    record Update(List<VolumeEntry> writes, int changes) {
        Update {
            writes = List.copyOf(writes);
        }
    }

    private SecretVolumeContent() {}

    /** Why the entry cannot be placed: a key that is not a plain file name, or one this layout reserves. */
    static Optional<String> problem(SecretFiles files) {
        for (SecretFile f : files.getFilesList()) {
            String name = f.getName();
            if (name.isEmpty() || name.startsWith("..") || name.equals(".") || name.contains("/")
                    || name.indexOf('\0') >= 0) {
                return Optional.of("the key '" + name.replace('\0', '?') + "' of Secret " + files.getSecretName()
                        + " is not a file name a secret volume can hold (none starts with '..')");
            }
        }
        return Optional.empty();
    }

    /** The writes that make a volume whose entries are {@code current} hold {@code desired}. */
    static Update plan(Map<String, VolumeEntry> current, SecretFiles desired) {
        Map<String, byte[]> want = new LinkedHashMap<>();
        desired.getFilesList().forEach(f -> want.put(f.getName(), f.getContent().toByteArray()));
        String generation = currentGeneration(current);
        Map<String, VolumeEntry> have = generation == null ? Map.of() : filesOf(current, generation);
        int changes = 0;
        for (Map.Entry<String, byte[]> w : want.entrySet()) {
            VolumeEntry h = have.get(w.getKey());
            if (h == null || h.kind() != VolumeEntry.Kind.FILE || !Arrays.equals(h.content(), w.getValue())) {
                changes++;
            }
        }
        changes += (int) have.keySet().stream().filter(k -> !want.containsKey(k)).count();
        boolean filesCurrent = generation != null && changes == 0 && have.values().stream()
                .allMatch(e -> e.kind() == VolumeEntry.Kind.FILE && e.mode() == FILE_MODE);
        List<VolumeEntry> writes = new ArrayList<>();
        String next = filesCurrent ? generation : GENERATIONS.get(GENERATIONS.get(0).equals(generation) ? 1 : 0);
        if (!filesCurrent) {
            // an empty file first: it replaces whatever an earlier generation of this name left
            writes.add(VolumeEntry.file(next, new byte[0], FILE_MODE));
            writes.add(VolumeEntry.directory(next, DIRECTORY_MODE));
            want.forEach((name, content) -> writes.add(VolumeEntry.file(next + "/" + name, content, FILE_MODE)));
        }
        for (String name : want.keySet()) {
            VolumeEntry link = VolumeEntry.link(name, DATA + "/" + name);
            if (!link.equals(current.get(name))) {
                writes.add(link);
            }
        }
        if (!filesCurrent) {
            writes.add(VolumeEntry.link(DATA, next));
        }
        for (String old : GENERATIONS) {
            VolumeEntry e = current.get(old);
            if (!old.equals(next) && e != null && e.kind() != VolumeEntry.Kind.FILE) {
                writes.add(VolumeEntry.file(old, new byte[0], FILE_MODE)); // the former values go
            }
        }
        return new Update(writes, changes);
    }

    /** The generation {@code ..data} links to, if it is one of ours and a directory. */
    private static String currentGeneration(Map<String, VolumeEntry> current) {
        VolumeEntry data = current.get(DATA);
        if (data == null || data.kind() != VolumeEntry.Kind.LINK || !GENERATIONS.contains(data.linkTarget())) {
            return null;
        }
        VolumeEntry dir = current.get(data.linkTarget());
        return dir != null && dir.kind() == VolumeEntry.Kind.DIRECTORY && dir.mode() == DIRECTORY_MODE
                ? data.linkTarget() : null;
    }

    /** What a generation directory holds, by name (anything nested below counts as its top entry). */
    private static Map<String, VolumeEntry> filesOf(Map<String, VolumeEntry> current, String generation) {
        Map<String, VolumeEntry> files = new LinkedHashMap<>();
        String prefix = generation + "/";
        for (VolumeEntry e : current.values()) {
            if (e.path().startsWith(prefix)) {
                String rest = e.path().substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    files.putIfAbsent(rest, e);
                } else if (!rest.isEmpty()) {
                    // something nested: the top entry is no file of ours, so the generation is rewritten
                    files.put(rest.substring(0, slash), VolumeEntry.directory(rest.substring(0, slash), 0));
                }
            }
        }
        return files;
    }
}
