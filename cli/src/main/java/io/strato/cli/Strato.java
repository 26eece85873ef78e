package io.strato.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code strato} command: global state (terminal, config) and the table of subcommands. */
@Command(name = "strato",
        mixinStandardHelpOptions = true,
        versionProvider = Strato.Version.class,
        // the subcommands are added by execute: all of them, or only the one a command line names
        description = "Deploy and manage apps on a Strato cloud.")
public final class Strato implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Terminal terminal;
    private final ConfigStore configStore;

    public Strato(Terminal terminal) {
        this.terminal = terminal;
        this.configStore = ConfigStore.fromEnvironment(terminal.env());
    }

    /** Every subcommand, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            TargetCommand.class, LoginCommand.class, LogoutCommand.class, PasswdCommand.class,
            PushCommand.class, AppsCommand.class, AppCommand.class, ScaleCommand.class,
            StartCommand.class, StopCommand.class, RestartCommand.class, DeleteCommand.class,
            LogsCommand.class, EventsCommand.class, EnvCommand.class,
            MarketplaceCommand.class, CreateServiceCommand.class, ServicesCommand.class,
            BindServiceCommand.class, UnbindServiceCommand.class, DeleteServiceCommand.class,
            OrgCommands.Orgs.class, OrgCommands.CreateOrg.class, OrgCommands.DeleteOrg.class,
            SpaceCommands.Spaces.class, SpaceCommands.CreateSpace.class, SpaceCommands.DeleteSpace.class,
            RoleCommands.OrgUsers.class, RoleCommands.SetOrgRole.class, RoleCommands.UnsetOrgRole.class,
            RoleCommands.SpaceUsers.class, RoleCommands.SetSpaceRole.class, RoleCommands.UnsetSpaceRole.class,
            QuotaCommands.Quotas.class, QuotaCommands.CreateQuota.class, QuotaCommands.SetQuota.class,
            UserCommands.CreateUser.class, UserCommands.DeleteUser.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(execute(Terminal.system(), args));
    }

    /** Runs one command line and returns its exit code: 0 ok, 1 API or usage error, 2 target unreachable. */
    public static int execute(Terminal terminal, String... args) {
        CommandLine commandLine = new CommandLine(new Strato(terminal));
        // picocli reads a command's options by reflection, which costs a command line that names one subcommand
        // (strato push ...) a tenth of a second or more for the forty it does not run; usage, help, suggestions
        // for a mistyped name and the like see them all
        Class<?> named = args.length == 0 ? null : subcommandNamed(args[0]);
        for (Class<?> subcommand : named != null ? List.<Class<?>>of(named) : SUBCOMMANDS) {
            commandLine.addSubcommand(subcommand);
        }
        // every command answers --help (and -h) with its usage
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        commandLine.setOut(new PrintWriter(terminal.out(), true));
        commandLine.setErr(new PrintWriter(terminal.err(), true));
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            terminal.err().println(e.getMessage() + ": run `" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help`");
            return CliError.API_OR_USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            if (e instanceof CliError error) {
                terminal.err().println(error.getMessage());
                return error.exitCode();
            }
            terminal.err().println("Unexpected error: " + e);
            return CliError.API_OR_USAGE;
        });
        return commandLine.execute(args);
    }

    /** The subcommand called {@code name} (or aliased so), unless it is help, which needs them all. */
    static Class<?> subcommandNamed(String name) {
        for (Class<?> subcommand : SUBCOMMANDS) {
            Command command = subcommand.getAnnotation(Command.class);
            if (subcommand != CommandLine.HelpCommand.class
                    && (command.name().equals(name) || List.of(command.aliases()).contains(name))) {
                return subcommand;
            }
        }
        return null;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(terminal.err());
        return CliError.API_OR_USAGE;
    }

    public Terminal terminal() {
        return terminal;
    }

    public ConfigStore configStore() {
        return configStore;
    }

    public Config config() {
        return configStore.load();
    }

    public String requireTarget() {
        String target = config().target();
        if (target == null) {
            throw CliError.noTarget();
        }
        return target;
    }

    /** The controller with the stored login, or the message that tells the user how to get one. */
    public ControllerClient controller() {
        Config config = config();
        if (config.target() == null) {
            throw CliError.noTarget();
        }
        if (config.token() == null) {
            throw CliError.notLoggedIn();
        }
        String token = config.token();
        if (config.tokenExpired(Instant.now())) {
            token = refreshToken();
            if (token == null) {
                throw loginExpired();
            }
        }
        return new ControllerClient(new ApiClient(config.target(), token, this::refreshToken), config.spaceGuid());
    }

    static CliError loginExpired() {
        return new CliError("Login expired: run `strato login`");
    }

    /**
     * Exchanges the stored refresh token for a new access token and stores both; null when there is
     * no refresh token or the server refuses it (the user must log in again).
     */
    String refreshToken() {
        Config config = config();
        if (config.target() == null || config.refreshToken() == null) {
            return null;
        }
        OAuth oauth = new OAuth(config.target());
        OAuth.Tokens tokens;
        try {
            tokens = oauth.refresh(oauth.endpoint(), config.refreshToken());
        } catch (ApiError e) {
            return null;
        }
        configStore.save(config().withTokens(tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt()));
        return tokens.accessToken();
    }

    /** Waits {@code STRATO_START_TIMEOUT} seconds for an app to run, five minutes when unset. */
    public AppStarter appStarter(ControllerClient controller) {
        String seconds = terminal.env("STRATO_START_TIMEOUT");
        Duration timeout = AppStarter.DEFAULT_TIMEOUT;
        if (seconds != null && !seconds.isBlank()) {
            try {
                timeout = Duration.ofSeconds(Long.parseLong(seconds.trim()));
            } catch (NumberFormatException e) {
                throw new CliError("STRATO_START_TIMEOUT must be a number of seconds, not '" + seconds + "'");
            }
        }
        return new AppStarter(controller, terminal.out(), timeout, AppStarter.DEFAULT_POLL_INTERVAL);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Strato.class.getPackage().getImplementationVersion();
            return new String[]{"strato " + (version == null ? "development build" : version)};
        }
    }
}
