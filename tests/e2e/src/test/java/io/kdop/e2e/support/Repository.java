package io.kdop.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (where charts/ and the module jars are), whatever directory Maven runs in. */
public final class Repository {

    private Repository() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("charts/kdop-hub/crds"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (a directory with charts/kdop-hub/crds/)");
        }
        return dir;
    }

    /** A directory under the repository, emptied (or created): a benchmark's or a test's own, kept afterwards. */
    public static Path emptyDirectory(String relative) {
        Path dir = root().resolve(relative);
        try {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Path jar(String property, String relative) {
        String configured = System.getProperty(property);
        Path jar = configured != null ? Path.of(configured) : root().resolve(relative);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (./mvnw -B verify builds everything)");
        }
        return jar;
    }
}
