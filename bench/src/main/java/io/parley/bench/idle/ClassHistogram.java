package io.parley.bench.idle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a JVM by class, as {@code jcmd <pid> GC.class_histogram} prints them (after a
 * full collection), and what grew between two of them: where an idle socket's heap goes.
 */
public final class ClassHistogram {
  private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** One class's growth, divided by the sockets that caused it. */
  public record Growth(String className, double instancesPerSocket, double bytesPerSocket) {}

  private record Count(long instances, long bytes) {}

  private final Map<String, Count> counts;

  private ClassHistogram(Map<String, Count> counts) {
    this.counts = counts;
  }

  /** Reads jcmd's output; lines that are not a class's count (headers, the total) are skipped. */
  public static ClassHistogram parse(String jcmdOutput) {
    Map<String, Count> counts = new HashMap<>();
    for (String line : jcmdOutput.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        counts.merge(m.group(3), new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            (a, b) -> new Count(a.instances() + b.instances(), a.bytes() + b.bytes()));
      }
    }
    return new ClassHistogram(counts);
  }

  /** The {@code top} classes that grew most in bytes from {@code before} to this, per one of {@code sockets}. */
  public List<Growth> growthSince(ClassHistogram before, int sockets, int top) {
    List<Growth> out = new ArrayList<>();
    counts.forEach((name, now) -> {
      Count then = before.counts.getOrDefault(name, new Count(0, 0));
      long bytes = now.bytes() - then.bytes();
      if (bytes > 0) {
        out.add(new Growth(name, (now.instances() - then.instances()) / (double) sockets, bytes / (double) sockets));
      }
    });
    out.sort(Comparator.comparingDouble(Growth::bytesPerSocket).reversed());
    return List.copyOf(out.subList(0, Math.min(top, out.size())));
  }
}
