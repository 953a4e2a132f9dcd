package io.parley.devstack;

import io.parley.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics job (docs/analytics.md) beside the local stack: {@code analytics-spark/analytics run}
 * as a child process, since Spark needs its own JVM and classpath. Started without waiting for it
 * (a first run builds the module and trains a model, which takes minutes); its output goes to
 * {@code <data dir>/analytics/job.log}. On when {@code analytics.enabled} is true: {@code ./parley up}
 * turns it on unless {@code --no-analytics}; tests leave it off unless they test it.
 *
 * <p>Settings: {@code analytics.cores} (Spark threads, default 1: the stack keeps the rest),
 * {@code analytics.trigger.seconds} (how often the queries look for new records, default
 * {@value #DEFAULT_TRIGGER_SECONDS}), {@code analytics.model} (the model folder, default
 * {@code <data dir>/analytics/model}), {@code analytics.metrics.port} (default 0: a free port),
 * {@code analytics.java.opts} (the job JVM's options).
 */
public final class AnalyticsJobService implements LocalService {
  private static final Logger log = LoggerFactory.getLogger(AnalyticsJobService.class);
  public static final String ENABLED = "analytics.enabled";
  static final int DEFAULT_TRIGGER_SECONDS = 10;
  static final String SCRIPT = "analytics-spark/analytics";

  private Process process;
  private Path logFile;

  @Override
  public String name() {
    return "analytics job";
  }

  @Override
  public void start(Context context) throws Exception {
    if (!context.config().bool(ENABLED, false)) {
      return;
    }
    Path script = script();
    Path dir = context.dataDir().resolve("analytics");
    Files.createDirectories(dir);
    logFile = dir.resolve("job.log");
    List<String> command = new ArrayList<>(List.of(script.toString(), "run",
        "--bootstrap-servers", context.bootstrapServers(),
        "--topic-prefix", Topics.from(context.config()).prefix(),
        "--checkpoints", dir.resolve("checkpoints").toAbsolutePath().toString(),
        "--model", context.config().string("analytics.model", dir.resolve("model").toAbsolutePath().toString()),
        "--cores", String.valueOf(context.config().integer("analytics.cores", 1)),
        "--trigger-seconds", String.valueOf(context.config().integer("analytics.trigger.seconds", DEFAULT_TRIGGER_SECONDS)),
        "--metrics-port", String.valueOf(context.config().integer("analytics.metrics.port", 0))));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(script.getParent().getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().put("PARLEY_ANALYTICS_JAVA_OPTS",
        context.config().string("analytics.java.opts", "-Xms128m -Xmx1g -XX:+UseG1GC"));
    process = builder.start();
    log.info("analytics job starting (pid {}), log in {}", process.pid(), logFile);
    process.onExit().thenAccept(p -> {
      if (process != null) { // not stopped by close()
        log.warn("analytics job exited with {}; see {}", p.exitValue(), logFile);
      }
    });
  }

  /** The job's log, once started. */
  public Path logFile() {
    if (logFile == null) {
      throw new IllegalStateException("this stack runs no analytics job (" + ENABLED + " is false)");
    }
    return logFile;
  }

  /** The analytics script of the checkout this runs in: the working folder or its parent (a module's tests). */
  static Path script() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir : new Path[] {here, here.getParent()}) {
      if (dir != null && Files.isExecutable(dir.resolve(SCRIPT))) {
        return dir.resolve(SCRIPT);
      }
    }
    throw new IOException("the analytics job runs from a Parley checkout, and " + here + " is not one (no " + SCRIPT
        + "): start from the repository, or set " + ENABLED + "=false (./parley up --no-analytics)");
  }

  @Override
  public void close() throws Exception {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    // The script may still be building the module (mvn is then its child): stop the whole tree.
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroy(); // SIGTERM: the job's shutdown hook stops its queries cleanly
    tree.forEach(ProcessHandle::destroy);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      log.warn("analytics job did not stop in 30 s; killing it");
      p.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
