package io.kdop.hub.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One version for hub, agent, chart and images: the chart's must be the Maven project's. */
class ChartVersionTest {

    private static final Path CHART = Path.of("..", "charts", "kdop-hub", "Chart.yaml");

    @Test
    void theChartAndItsAppAreTheProjectsVersion() throws IOException {
        String project = System.getProperty("kdop.version");
        assertThat(project).as("kdop.version, set by the build").isNotBlank();
        List<String> lines = Files.readAllLines(CHART);

        assertThat(lines).as("charts/kdop-hub/Chart.yaml").contains("version: " + project)
                .contains("appVersion: \"" + project + "\"");
    }
}
