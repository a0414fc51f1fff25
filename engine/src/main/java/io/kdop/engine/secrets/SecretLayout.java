package io.kdop.engine.secrets;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a workload's secret files live on the host: {@code <root>/<workload-uid>/<n>/}, one
 * directory per entry of {@code secret_files} (n counts from 0), bind-mounted read-only.
 *
 * @param root {@code <state-dir>/secrets}, absolute, since Docker resolves bind paths itself
 */
public record SecretLayout(Path root) implements SecretMounts {

    public SecretLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The directory of one workload. */
    public Path workload(String workloadUid) {
        return root.resolve(workloadUid);
    }

    /** The directory of the n-th secret_files entry of a workload. */
    public Path directory(String workloadUid, int n) {
        return workload(workloadUid).resolve(Integer.toString(n));
    }

    @Override
    public String source(String workloadUid, int n) {
        try {
            return directory(workloadUid, n).toString();
        } catch (InvalidPathException e) {
            return "";
        }
    }
}
