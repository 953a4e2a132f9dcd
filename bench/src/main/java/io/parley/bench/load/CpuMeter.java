package io.parley.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM, split by the part of Parley (or the benchmark) each thread belongs to. On a
 * shared machine, latency and throughput move with the neighbours' load; CPU time per message moves
 * far less, so it is what tuning decisions are read from.
 */
public final class CpuMeter {
  public static final String TOPOLOGY = "topology";
  public static final String GATEWAY = "gateway";
  public static final String BROKER = "broker";
  public static final String LOAD = "load generator";
  public static final String JVM = "GC, JIT, RocksDB native threads, other";
  public static final String TOTAL = "total";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** CPU nanoseconds used so far, by part; threads that ended are no longer counted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> byPart = new LinkedHashMap<>();
    for (String part : new String[] {TOPOLOGY, GATEWAY, BROKER, LOAD}) {
      byPart.put(part, 0L);
    }
    long threadTotal = 0;
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (infos[i] == null || cpu < 0) {
        continue;
      }
      byPart.merge(partOf(infos[i].getThreadName()), cpu, Long::sum);
      threadTotal += cpu;
    }
    long process = os.getProcessCpuTime();
    byPart.put(JVM, Math.max(0, process - threadTotal));
    byPart.put(TOTAL, process);
    return byPart;
  }

  /** CPU milliseconds per message between two snapshots. */
  public static Map<String, Double> perMessage(Map<String, Long> from, Map<String, Long> to, long messages) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (from == null || to == null || messages <= 0) {
      return out;
    }
    to.forEach((part, nanos) -> out.put(part, Math.max(0, nanos - from.getOrDefault(part, 0L)) / 1e6 / messages));
    return out;
  }

  static String partOf(String thread) {
    if (thread.contains("-topology-")) {
      return TOPOLOGY; // stream threads, their producers and consumers, the global thread
    }
    if (thread.startsWith("gateway-") || thread.startsWith("deliveries-") || thread.contains("parley-gateway")) {
      return GATEWAY;
    }
    if (thread.startsWith("bench-client") || thread.equals("main")) {
      return LOAD;
    }
    return BROKER;
  }
}
