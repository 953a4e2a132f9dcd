package io.parley.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagCommandTest {
  @TempDir
  Path dir;

  @Test
  void shouldPrintTheDocumentedLine() throws Exception {
    List<Row> tags = List.of(RowFactory.create("sports", 0.93), RowFactory.create("other", 0.04));

    assertThat(TagCommand.line("m\"1", "sports", 0.93, tags)).isEqualTo(
        "{\"id\": \"m\\\"1\", \"tag\": \"sports\", \"score\": 0.93, \"tags\": [{\"tag\": \"sports\", \"score\": 0.93}, {\"tag\": \"other\", \"score\": 0.04}]}");
  }

  @Test
  void shouldReadEveryLineInOrder() throws Exception {
    Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": \"a\", \"body\": \"hi\"}\n{\"id\": \"b\", \"body\": \"\"}\n");

    List<Row> rows = TagCommand.read(input);

    assertThat(rows).extracting(r -> r.getString(1)).containsExactly("a", "b");
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(0L, 1L);
  }

  @Test
  void shouldNameTheLineThatIsNotAMessage() throws Exception {
    Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": \"a\", \"body\": \"hi\"}\n{\"id\": 3}\n");

    assertThatThrownBy(() -> TagCommand.read(input)).hasMessageContaining("in.jsonl:2");
  }
}
