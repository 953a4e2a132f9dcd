package io.parley.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every panel query ({@code targets[].expr}) of the Grafana dashboards in one folder. */
final class Dashboards {
  record Query(String where, String expr) {}

  private final List<Query> queries;

  private Dashboards(List<Query> queries) {
    this.queries = List.copyOf(queries);
  }

  static Dashboards load(Path folder) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Query> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = json.readTree(file.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText("");
            if (expr.isBlank()) {
              throw new IllegalStateException(file.getFileName() + ": panel '" + panel.path("title").asText() + "' has a target without expr");
            }
            out.add(new Query(file.getFileName() + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(), expr));
          }
        }
      }
    }
    return new Dashboards(out);
  }

  List<Query> queries() {
    return queries;
  }
}
