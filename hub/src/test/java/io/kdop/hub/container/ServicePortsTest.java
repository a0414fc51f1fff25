package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.hub.api.container.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServicePortsTest {

    @Test
    void theSeedsEntriesArePortsOfOneService() {
        ServicePorts.Result result = ServicePorts.of("spec.services", List.of(new ServicePort("http", 80, 8080),
                new ServicePort(null, 443, null)));

        assertThat(result).isEqualTo(new ServicePorts.Result.Valid(List.of(new ServicePorts.Port("http", 80, 8080),
                new ServicePorts.Port("", 443, 443))));
    }

    @Test
    void badEntriesSayWhichAndWhy() {
        assertThat(problem(new ServicePort("http", null, 80))).isEqualTo("spec.services: every entry needs a port");
        assertThat(problem(new ServicePort("http", 70000, 80))).contains("is not within 1-65535");
        assertThat(problem(new ServicePort("http", 80, 80), new ServicePort("web", 80, 81))).contains("port 80 appears twice");
        assertThat(problem(new ServicePort("Web_Port", 80, 80))).contains("port name \"Web_Port\"");
    }

    private static String problem(ServicePort... entries) {
        ServicePorts.Result result = ServicePorts.of("spec.services", List.of(entries));
        assertThat(result).isInstanceOf(ServicePorts.Result.Invalid.class);
        return ((ServicePorts.Result.Invalid) result).problem().message();
    }
}
