package io.parley.sinks.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Groups rows by partition and turns each group into as few requests as the limits allow: one
 * unlogged batch per partition (a single-partition batch is one atomic, isolated mutation on one
 * replica set; batches across partitions would only add coordinator work).
 */
public final class PartitionBatches {
  private PartitionBatches() {}

  /**
   * @param partitionOf the partition key of a row (anything with equals/hashCode)
   * @param bind the row's insert
   * @param sizeOf the row's estimated size in bytes
   */
  public static <R> List<Statement<?>> of(List<R> rows, Function<R, ?> partitionOf, Function<R, BoundStatement> bind,
      ToIntFunction<R> sizeOf, WriteLimits limits) {
    Map<Object, List<R>> byPartition = new LinkedHashMap<>();
    for (R row : rows) {
      byPartition.computeIfAbsent(partitionOf.apply(row), k -> new ArrayList<>()).add(row);
    }
    List<Statement<?>> statements = new ArrayList<>();
    for (List<R> group : byPartition.values()) {
      List<BoundStatement> chunk = new ArrayList<>();
      int bytes = 0;
      for (R row : group) {
        int size = sizeOf.applyAsInt(row);
        if (!chunk.isEmpty() && (chunk.size() >= limits.batchMaxStatements() || bytes + size > limits.batchMaxBytes())) {
          statements.add(toStatement(chunk));
          chunk = new ArrayList<>();
          bytes = 0;
        }
        chunk.add(bind.apply(row));
        bytes += size;
      }
      if (!chunk.isEmpty()) {
        statements.add(toStatement(chunk));
      }
    }
    return statements;
  }

  private static Statement<?> toStatement(List<BoundStatement> chunk) {
    if (chunk.size() == 1) {
      return chunk.get(0);
    }
    return BatchStatement.newInstance(BatchType.UNLOGGED, chunk.toArray(new BoundStatement[0])).setIdempotent(true);
  }
}
