package io.kdop.agent;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code kdop-edge-agent} command line; its one working subcommand is {@code join}. */
@Command(
        name = "kdop-edge-agent",
        mixinStandardHelpOptions = true,
        versionProvider = AgentVersion.class,
        description = "The kdop edge agent: runs on a Docker host outside the cluster, dials out to the kdop hub"
                + " and keeps the host's desired state. Start with 'join'; see 'join --help'.",
        subcommands = {JoinCommand.class, CommandLine.HelpCommand.class})
public final class AgentCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new AgentCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // one line, not the whole usage text: the help is one --help away
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println(e.getMessage() + " (see '"
                            + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
                    return CommandLine.ExitCode.USAGE;
                });
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return CommandLine.ExitCode.USAGE;
    }
}
