package io.kdop.hub.direct;

/** What a direct host's Docker API says about itself (version and info), as the DockerHost status shows it. */
public record DockerFacts(String dockerVersion, String apiVersion, String os, String arch, String operatingSystem,
        String kernelVersion, Integer cpus, Long memoryBytes, Integer containersRunning, Integer containers) {}
