package io.parley.sinks.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CqlSchemaTest {
  @Test
  void shouldLoadEveryVersionInOrderWithOnlyIdempotentStatements() {
    List<CqlSchema.Script> scripts = CqlSchema.scripts();
    assertThat(scripts).extracting(CqlSchema.Script::version).containsExactly(1, 2, 3);
    List<String> statements = CqlSchema.statements(scripts.get(0).text());
    assertThat(statements).hasSize(4).allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS ${keyspace}."));
    assertThat(statements).noneMatch(s -> s.contains("--") || s.endsWith(";"));
    assertThat(CqlSchema.statements(scripts.get(1).text())).singleElement()
        .satisfies(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS ${keyspace}.conversation_messages"));
    assertThat(CqlSchema.statements(scripts.get(2).text())).extracting(s -> s.substring(0, s.indexOf('(')).strip())
        .containsExactly("CREATE TABLE IF NOT EXISTS ${keyspace}.message_tags", "CREATE TABLE IF NOT EXISTS ${keyspace}.topic_trends");
  }

  @Test
  void shouldRefuseAScriptWhoseLastStatementIsUnterminated() {
    assertThatThrownBy(() -> CqlSchema.statements("CREATE TABLE a (x int PRIMARY KEY);\nCREATE TABLE b (y int PRIMARY KEY)"))
        .isInstanceOf(IllegalStateException.class);
  }
}
