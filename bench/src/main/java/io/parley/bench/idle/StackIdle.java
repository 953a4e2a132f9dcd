package io.parley.bench.idle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./parley bench up}: what the local stack costs with nobody connected. It starts
 * {@code ./parley up} exactly as a user would (its own JVM, Cassandra and MariaDB as its children;
 * it builds first if the sources changed), lets it settle, then reads every thread's CPU time of the whole process tree from /proc over the
 * measured window: CPU time is what idle costs, and it moves little with the neighbours' load.
 */
public final class StackIdle {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(15);

  /** One thread's CPU ticks, named by its process and its own name. */
  record ThreadTicks(long pid, String process, String thread, long ticks) {}

  public record Options(Path workDir, Duration warmup, Duration measure, Path report, String command, String note) {}

  public record Result(Instant started, Duration measured, Map<String, Double> percentByProcess, List<String[]> topThreads,
      double total) {}

  private StackIdle() {}

  public static Result run(Options options) throws IOException, InterruptedException {
    Path data = options.workDir().resolve("up-idle").toAbsolutePath();
    deleteTree(data);
    Files.createDirectories(data);
    Path log = data.resolve("up.log");
    Instant started = Instant.now();
    Process up = new ProcessBuilder("./parley", "up", "--port", "0", "--data-dir", data.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReady(up, log);
      System.err.printf(Locale.ROOT, "stack up; settling %d s, then measuring %d s%n",
          options.warmup().toSeconds(), options.measure().toSeconds());
      Thread.sleep(options.warmup().toMillis());
      Map<Long, ThreadTicks> before = snapshot(up.pid());
      long t0 = System.nanoTime();
      Thread.sleep(options.measure().toMillis());
      Map<Long, ThreadTicks> after = snapshot(up.pid());
      double seconds = (System.nanoTime() - t0) / 1e9;
      Result result = summarize(started, Duration.ofMillis((long) (seconds * 1000)), before, after, seconds);
      if (options.report() != null) {
        Files.writeString(options.report(), report(result, options), StandardCharsets.UTF_8);
      }
      System.out.print(table(result));
      return result;
    } finally {
      stop(up);
    }
  }

  private static void awaitReady(Process up, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!up.isAlive()) {
        throw new IllegalStateException("./parley up exited with " + up.exitValue() + "; see " + log);
      }
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Web page")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("./parley up did not print its banner within " + READY_TIMEOUT + "; see " + log);
  }

  /** Every thread of {@code root} and of its descendants, by thread id. */
  static Map<Long, ThreadTicks> snapshot(long root) throws IOException {
    Map<Long, Long> parents = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          String[] stat = stat(p.resolve("stat"));
          if (stat != null) {
            parents.put(Long.parseLong(name), Long.parseLong(stat[1]));
          }
        }
      }
    }
    List<Long> pids = new ArrayList<>(List.of(root));
    for (int i = 0; i < pids.size(); i++) {
      long parent = pids.get(i);
      parents.forEach((pid, ppid) -> {
        if (ppid == parent && !pids.contains(pid)) {
          pids.add(pid);
        }
      });
    }
    Map<Long, ThreadTicks> out = new HashMap<>();
    for (long pid : pids) {
      String process = processName(pid);
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String[] stat = stat(task.resolve("stat"));
          if (stat != null) {
            String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
            // after the ')' of the name: state ppid ... utime(12) stime(13), counted from state = 0
            long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
            out.put(Long.parseLong(task.getFileName().toString()), new ThreadTicks(pid, process, comm, ticks));
          }
        }
      } catch (IOException gone) {
        // the process ended between listing and reading: it has nothing left to count
      }
    }
    return out;
  }

  /** The fields of a stat file after the parenthesised name (which may hold spaces), or null if it is gone. */
  private static String[] stat(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  static String processName(long pid) {
    try {
      String cmd = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
      if (cmd.contains("io.parley.devstack.ParleyCli")) {
        return "stack JVM (broker, topology, gateway, Connect, services)";
      }
      if (cmd.contains("io.parley.analytics")) {
        return "analytics job (Spark, its own JVM)";
      }
      if (cmd.contains("CassandraDaemon")) {
        return "Cassandra";
      }
      if (cmd.contains("mariadbd") || cmd.contains("mysqld")) {
        return "MariaDB";
      }
      String first = cmd.isBlank() ? "pid " + pid : cmd.split(" ")[0];
      return first.substring(first.lastIndexOf('/') + 1);
    } catch (IOException e) {
      return "pid " + pid;
    }
  }

  static Result summarize(Instant started, Duration measured, Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after,
      double seconds) {
    double hz = clockTicks();
    Map<String, Double> byProcess = new LinkedHashMap<>();
    List<ThreadTicks> deltas = new ArrayList<>();
    after.forEach((tid, t) -> {
      long was = before.containsKey(tid) ? before.get(tid).ticks() : 0;
      long used = Math.max(0, t.ticks() - was);
      byProcess.merge(t.process(), 0.0, Double::sum);
      if (used > 0) {
        deltas.add(new ThreadTicks(t.pid(), t.process(), t.thread(), used));
        byProcess.merge(t.process(), percent(used, hz, seconds), Double::sum);
      }
    });
    // Threads of one name (e.g. a pool) are added up: the name says what they do.
    Map<String, Long> byThreadName = new LinkedHashMap<>();
    deltas.forEach(d -> byThreadName.merge(d.process() + "\u0000" + d.thread().replaceAll("[0-9]+$", "N"), d.ticks(), Long::sum));
    List<String[]> top = byThreadName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(20)
        .map(e -> {
          String[] parts = e.getKey().split("\u0000");
          return new String[] {parts[0], parts[1], String.format(Locale.ROOT, "%.2f", percent(e.getValue(), hz, seconds))};
        })
        .toList();
    double total = byProcess.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Result(started, measured, byProcess, top, total);
  }

  private static double percent(long ticks, double hz, double seconds) {
    return ticks / hz / seconds * 100;
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  static String table(Result r) {
    StringBuilder s = new StringBuilder();
    s.append("| process | % of one core |\n|---|---|\n");
    r.percentByProcess().entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> s.append(String.format(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), e.getValue())));
    s.append(String.format(Locale.ROOT, "| **total** | **%.2f** |%n%n", r.total()));
    s.append("| process | thread (same names added up) | % of one core |\n|---|---|---|\n");
    for (String[] t : r.topThreads()) {
      s.append("| ").append(t[0]).append(" | `").append(t[1]).append("` | ").append(t[2]).append(" |\n");
    }
    return s.toString();
  }

  private static String report(Result r, Options o) {
    StringBuilder s = new StringBuilder();
    s.append("# The idle local stack\n\n");
    s.append("Written by `").append(o.command()).append("`; everything below is measured, nothing is edited by hand.\n\n");
    s.append("`./parley up` started as a user starts it, nobody connected; after ").append(o.warmup().toSeconds())
        .append(" s of settling, the CPU time of every thread of its process tree (the stack's JVM, Cassandra and MariaDB) ")
        .append("was read from `/proc` over ").append(r.measured().toSeconds()).append(" s.\n\n");
    s.append("Started ").append(STAMP.format(r.started())).append(".\n\n");
    if (o.note() != null) {
      s.append("> ").append(o.note()).append("\n\n");
    }
    s.append(table(r));
    return s.toString();
  }

  /** Asks the stack to stop as Ctrl-C would, then makes sure none of its processes is left. */
  private static void stop(Process up) throws IOException, InterruptedException {
    List<Long> tree = snapshot(up.pid()).values().stream().map(ThreadTicks::pid).distinct().toList();
    up.destroy();
    if (!up.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
      up.destroyForcibly();
    }
    for (long pid : tree) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
