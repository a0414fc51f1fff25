package io.kdop.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HubCommandTest {

    @Test
    void theCertificateNamesTheSansThePublicAddressesHostAndLoopback() {
        assertThat(HubCommand.servingNames(List.of("hub.internal", " "), "hub.example.com:30000"))
                .containsExactly("hub.internal", "hub.example.com", "localhost", "127.0.0.1");
        assertThat(HubCommand.servingNames(List.of("10.0.0.5"), "10.0.0.5:443"))
                .containsExactly("10.0.0.5", "localhost", "127.0.0.1");
        assertThat(HubCommand.servingNames(List.of(), null)).containsExactly("localhost", "127.0.0.1");
    }

    @Test
    void thePublicAddressesHostGoesIntoTheCertificate() {
        assertThat(HubCommand.hostOf("hub.example.com:30000")).isEqualTo("hub.example.com");
        assertThat(HubCommand.hostOf("10.0.0.5:443")).isEqualTo("10.0.0.5");
        assertThat(HubCommand.hostOf("[fd00::5]:30000")).isEqualTo("fd00::5");
        assertThat(HubCommand.hostOf("hub.example.com")).isEqualTo("hub.example.com");
        assertThat(HubCommand.hostOf("fd00::5")).isEqualTo("fd00::5");
    }

    @Test
    void durationsOnTheCommandLineArePositive() throws Exception {
        HubCommand.DurationConverter converter = new HubCommand.DurationConverter();
        assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        for (String text : new String[] {"-10s", "0s"}) {
            assertThatThrownBy(() -> converter.convert(text)).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + text + "' must be positive");
        }
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'soon' is not a duration such as 30s, 90m or 24h");
    }

    @Test
    void aJoinTokenTtlOverSevenDaysIsAUsageErrorBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new HubCommand()).setErr(new PrintWriter(err));

        int exit = command.execute("--join-token-ttl", "169h");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--join-token-ttl is '10140m', longer than the maximum of 168h (7 days)");
    }
}
