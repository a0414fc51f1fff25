package io.kdop.engine.plan;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.EnvVar;
import io.kdop.proto.v1.RegistryCredential;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Takes a spec's secret values out of a text before it goes into a log line or a status
 * message: Docker echoes parts of a request in some errors, and a status reaches the cluster.
 */
public final class Redactor {

    private static final int MAX_LENGTH = 1024;
    /** Shorter values would blank out ordinary words; Docker never echoes such values alone anyway. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets.stream()
                .filter(s -> s.length() >= MIN_SECRET_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()) // a secret inside another goes last
                .toList();
    }

    /** The secrets of a spec: registry passwords and env values taken from Secrets. */
    public static Redactor forSpec(ContainerSpec spec) {
        return forSpecs(List.of(spec));
    }

    /** The secrets of several specs, e.g. the spec a job began with and the one desired now. */
    public static Redactor forSpecs(List<ContainerSpec> specs) {
        List<String> secrets = new ArrayList<>();
        for (ContainerSpec spec : specs) {
            spec.getRegistryCredentialsList().stream().map(RegistryCredential::getPassword).forEach(secrets::add);
            spec.getEnvList().stream().filter(EnvVar::getFromSecret).map(EnvVar::getValue).forEach(secrets::add);
        }
        return new Redactor(secrets);
    }

    /**
     * For what the container itself printed: also the contents of its secret files (a job may
     * well cat its credentials), and every line of a multi-line secret on its own, since an
     * output tail may begin in the middle of one.
     */
    public static Redactor forOutput(ContainerSpec spec) {
        List<String> secrets = new ArrayList<>();
        spec.getRegistryCredentialsList().stream().map(RegistryCredential::getPassword).forEach(secrets::add);
        spec.getEnvList().stream().filter(EnvVar::getFromSecret).map(EnvVar::getValue).forEach(secrets::add);
        for (SecretFiles files : spec.getSecretFilesList()) {
            for (SecretFile f : files.getFilesList()) {
                secrets.add(f.getContent().toString(StandardCharsets.UTF_8));
            }
        }
        List<String> withLines = new ArrayList<>(secrets);
        for (String s : secrets) {
            for (String line : s.split("\r?\n")) {
                withLines.add(line.strip());
            }
        }
        return new Redactor(withLines);
    }

    /** The text with every secret replaced by {@code ***}, and cut to a length fit for a status. */
    public String clean(String text) {
        String s = redact(text);
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) + "..." : s;
    }

    /** The text with every secret replaced by {@code ***}, whatever its length. */
    public String redact(String text) {
        String s = text == null ? "" : text;
        for (String secret : secrets) {
            s = s.replace(secret, "***");
        }
        return s;
    }
}
