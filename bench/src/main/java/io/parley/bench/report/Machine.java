package io.parley.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.AppInfoParser;
import org.eclipse.jetty.util.Jetty;

/** What the numbers were measured on. */
public record Machine(int cores, String cpu, long memoryBytes, String os, String java, String kafka, String jetty, String loadAverage) {

  public static Machine describe() {
    return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        AppInfoParser.getVersion(), Jetty.VERSION, currentLoadAverage());
  }

  /** The 1, 5 and 15 minute load averages now. */
  public static String currentLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static long memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0L);
    } catch (IOException e) {
      return 0;
    }
  }
}
