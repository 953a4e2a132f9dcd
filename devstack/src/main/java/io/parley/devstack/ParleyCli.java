package io.parley.devstack;

import io.parley.auth.TokenService;
import io.parley.client.Accounts;
import io.parley.client.cli.Chat;
import io.parley.client.cli.DeviceLock;
import io.parley.config.ConfigSource;
import io.parley.model.Ids;
import io.parley.process.UntilShutdown;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code parley} command: run the local stack, and talk to it. */
@Command(name = "parley", subcommands = {
    ParleyCli.Up.class, ParleyCli.SignUp.class, ParleyCli.ChatAs.class, ParleyCli.Token.class},
    description = "Parley, a messaging backend on Apache Kafka.")
public final class ParleyCli {
  static final String STACK_FILE = "stack.properties";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new ParleyCli()).setExecutionExceptionHandler(ParleyCli::explain);
  }

  @Command(name = "up", description = "Start the whole system locally (Kafka, topology, gateways) and wait for Ctrl-C.")
  static final class Up implements Callable<Integer> {
    @Mixin
    DataDir data;

    @Option(names = "--port", defaultValue = "8080", description = "the one HTTP/WebSocket port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--gateways", defaultValue = "1", description = "how many edge gateways to run (default: ${DEFAULT-VALUE})")
    int gateways;

    @Option(names = "--config", description = "a parley.properties file; PARLEY_* environment variables override it")
    Path config;

    @Option(names = "--fresh", description = "delete the data folder first")
    boolean fresh;

    @Option(names = "--no-analytics", description = "do not run the analytics job that tags messages by topic (docs/analytics.md)")
    boolean noAnalytics;

    @Override
    public Integer call() throws Exception {
      if (fresh) {
        StackFiles.delete(data.dir);
      }
      long started = System.nanoTime();
      ConfigSource settings = ConfigSource.load(Optional.ofNullable(config));
      settings = settings.with(AnalyticsJobService.ENABLED,
          noAnalytics ? "false" : settings.get(AnalyticsJobService.ENABLED).orElse("true"));
      LocalStack stack;
      try {
        stack = LocalStack.start(data.dir, settings.with("gateway.port", String.valueOf(port)), gateways);
      } catch (Exception e) {
        if (port != 0 && causedByBind(e)) {
          System.out.println("port " + port + " is in use; starting on a free port instead");
          stack = LocalStack.start(data.dir, settings.with("gateway.port", "0"), gateways);
        } else {
          throw e;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      URI http = stack.gateway(0).uri();
      StackFiles.write(data.dir.resolve(STACK_FILE), Map.of("server", http.toString(), "kafka", stack.bootstrapServers()));
      System.out.printf("%nParley is up (ready in %.1f s)%n", seconds);
      System.out.println("  WebSocket   " + stack.gateway(0).webSocketUri());
      for (int i = 1; i < stack.gateways().size(); i++) {
        System.out.println("  WebSocket   " + stack.gateway(i).webSocketUri() + "   (" + stack.gateway(i).gatewayId() + ")");
      }
      System.out.println("  Web page    " + http.resolve("/"));
      System.out.println("  HTTP        " + http);
      System.out.println("  Metrics     " + http.resolve("/metrics"));
      System.out.println("  Kafka       " + stack.bootstrapServers());
      if (settings.bool(AnalyticsJobService.ENABLED, false)) {
        System.out.println("  Analytics   tags in history (\"tag\") and " + http.resolve("/v1/trends") + "; log "
            + stack.service(AnalyticsJobService.class).logFile());
      }
      System.out.println();
      System.out.println("  Sign up:                 ./parley signup alice   (and bob)");
      System.out.println("  Chat in two terminals:   ./parley chat alice     ./parley chat bob");
      System.out.println("  Or in a browser:         " + http.resolve("/"));
      System.out.println("  Stop with Ctrl-C.");
      UntilShutdown.close("parley-down", stack);
      return 0;
    }

    private static boolean causedByBind(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          return true;
        }
      }
      return false;
    }
  }

  @Command(name = "token", description = "DEV ONLY: print an access token for a user and device of the local stack, "
      + "signed with the local stack's own secret. Real clients sign in instead.")
  static final class Token implements Callable<Integer> {
    @Mixin
    DataDir data;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "user id")
    String user;

    @Parameters(index = "1", arity = "0..1", defaultValue = "cli", description = "device id (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
      if (!Ids.isUser(user) || !Ids.isDevice(device)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "user ids are 2-32 of a-z 0-9 . _ - (starting with a letter or digit); device ids 1-64 of A-Z a-z 0-9 . _ -");
      }
      spec.commandLine().getOut().println(devToken(data.dir, user, device));
      return 0;
    }
  }

  @Command(name = "signup", description = "Create an account on the running stack.")
  static final class SignUp implements Callable<Integer> {
    @Mixin
    RunningStack stack;

    @Option(names = "--name", description = "display name (default: the username)")
    String displayName;

    @Parameters(index = "0", description = "username: 2-32 of a-z 0-9 . _ -")
    String user;

    @Override
    public Integer call() throws Exception {
      Accounts accounts = new Accounts(stack.server());
      String password = password("choose a password (at least 10 characters): ");
      try {
        accounts.signUp(user, password, displayName == null ? user : displayName);
      } catch (Accounts.Refused e) {
        System.err.println("sign-up refused: " + e.getMessage());
        return 1;
      }
      System.out.println("welcome, " + user + ". Chat with: ./parley chat " + user);
      return 0;
    }
  }

  @Command(name = "chat", description = "Sign in as a user and chat from this terminal.")
  static final class ChatAs implements Callable<Integer> {
    @Mixin
    RunningStack stack;

    @Option(names = "--device", description = "device id; two chats of one user need two devices (default: the first of "
        + DeviceLock.DEFAULT + ", " + DeviceLock.DEFAULT + "-2 … that no other chat of this user here is using)")
    String device;

    @Parameters(index = "0", description = "username")
    String user;

    @Override
    public Integer call() throws Exception {
      URI target = stack.server();
      Path clients = stack.dir.resolve("clients");
      DeviceLock lock;
      try {
        lock = DeviceLock.claim(clients, user, device);
      } catch (DeviceLock.Taken e) {
        throw new UserError(e.getMessage());
      }
      try (lock) {
        String token;
        try {
          token = new Accounts(target).signIn(user, password("password for " + user + ": "), lock.device());
        } catch (Accounts.Refused e) {
          System.err.println("sign-in refused: " + e.getMessage());
          return 1;
        }
        Chat.run(target, token, user, lock.device(), clients.resolve(user + "-" + lock.device() + ".db"), userDir());
      }
      return 0;
    }

    /** Where the user ran ./parley from: the script runs in the project's folder and passes the caller's on. */
    static Path userDir() {
      String fromScript = System.getenv("PARLEY_USER_DIR");
      return fromScript == null || fromScript.isBlank() ? Path.of("").toAbsolutePath() : Path.of(fromScript);
    }
  }

  /** What a user can act on is said in a line; anything else is a bug and keeps its stack trace. */
  private static int explain(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof java.net.ConnectException) {
      command.getErr().println("parley " + command.getCommandName() + ": cannot reach the stack (is ./parley up running? "
          + "--server names another)");
      return 1;
    }
    if (e instanceof UserError) {
      command.getErr().println("parley " + command.getCommandName() + ": " + e.getMessage());
      return 1;
    }
    throw e;
  }

  /** Something the user can put right (start the stack, give a password): said in one line, no stack trace. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }
  }

  /** {@code --data-dir}: which local stack, by its data folder. */
  static class DataDir {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--data-dir", paramLabel = "<folder>", defaultValue = ".parley", description = "the local stack's data folder (default: ${DEFAULT-VALUE})")
    Path dir;
  }

  /** {@code --data-dir} and {@code --server}: which running stack a command talks to. */
  static final class RunningStack extends DataDir {
    @Option(names = "--server", paramLabel = "<url>", description = "the stack's HTTP address (default: the running local stack's)")
    URI given;

    URI server() throws Exception {
      return given != null ? given
          : URI.create(StackFiles.read(dir.resolve(STACK_FILE)).getProperty("server", "http://127.0.0.1:8080"));
    }
  }

  /** From the terminal without echo, or from PARLEY_PASSWORD when there is no terminal (scripts). */
  static String password(String prompt) {
    String fromEnv = System.getenv("PARLEY_PASSWORD");
    if (fromEnv != null) {
      return fromEnv;
    }
    if (System.console() == null) {
      throw new UserError("no terminal to ask for a password: set PARLEY_PASSWORD");
    }
    return new String(System.console().readPassword(prompt));
  }

  static String devToken(Path dataDir, String user, String device) throws Exception {
    if (!Files.exists(dataDir.resolve("token-secret"))) {
      throw new UserError("no local stack in " + dataDir.toAbsolutePath() + ": run ./parley up first");
    }
    return TokenService.fromSecret(LocalStack.localSecret(dataDir), Duration.ofDays(1)).issue(user, device);
  }

  /** Small file helpers for the local stack's data folder. */
  static final class StackFiles {
    private StackFiles() {}

    static void write(Path file, Map<String, String> values) throws Exception {
      Properties p = new Properties();
      p.putAll(values);
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(out, "written by parley up");
      }
    }

    static Properties read(Path file) throws Exception {
      Properties p = new Properties();
      if (Files.exists(file)) {
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(in);
        }
      }
      return p;
    }

    static void delete(Path dir) throws Exception {
      if (!Files.exists(dir)) {
        return;
      }
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
