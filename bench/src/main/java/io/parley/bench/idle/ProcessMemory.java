package io.parley.bench.idle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM's live heap (after a full GC, through jcmd) and its resident set (from /proc). */
final class ProcessMemory {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private ProcessMemory() {}

  /** Heap still in use after two full collections, in bytes. */
  static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap usage in jcmd GC.heap_info output:\n" + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  /** Live objects by class; the command collects first, so only reachable objects count. */
  static ClassHistogram classHistogram(long pid) throws IOException, InterruptedException {
    return ClassHistogram.parse(jcmd(pid, "GC.class_histogram"));
  }

  static long rss(long pid) throws IOException {
    return statusField(pid, "VmRSS:") * 1024;
  }

  /** The soft limit on open files of a process. */
  static long openFileLimit(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new IllegalStateException("no open-file limit for pid " + pid);
  }

  static long hardOpenFileLimit(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits"))) {
      if (line.startsWith("Max open files")) {
        String hard = line.substring("Max open files".length()).strip().split("\\s+")[1];
        return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
      }
    }
    throw new IllegalStateException("no open-file limit for pid " + pid);
  }

  static long openFiles(long pid) throws IOException {
    try (var files = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return files.count();
    }
  }

  private static long statusField(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + field + " for pid " + pid);
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(List.of(jcmd.toString(), String.valueOf(pid), command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
    }
    return out;
  }
}
