package io.parley.history;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.process.UntilShutdown;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Runs the history API as its own process: {@code HistoryMain [settings.properties]}, overridden by PARLEY_* variables. */
public final class HistoryMain {
  private HistoryMain() {}

  public static void main(String[] args) throws Exception {
    ConfigSource config = ConfigSource.load(args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty());
    // Token lifetime matters only when issuing; this process only verifies.
    TokenService tokens = TokenService.fromSecret(config.required("auth.token.secret"), Duration.ofDays(30));
    HistoryServer server = HistoryServer.start(config, tokens, PrometheusRegistry.defaultRegistry);
    UntilShutdown.close("history-shutdown", server);
  }
}
