package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat page in a real browser against a real local stack (Kafka, the topology, MariaDB, S3,
 * Cassandra and Connect, as every stack test starts them): runs the Playwright suite
 * {@code web/e2e/chat.e2e.mjs} with Node, which drives Debian's Chromium through the page the
 * gateway serves at {@code /}, and fails if any of its tests fails. The suite saves its
 * screenshots into {@code docs/web/}.
 */
@Timeout(600)
class WebPageIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void shouldPassTheBrowserSuite() throws Exception {
    Path web = ROOT.resolve("web");
    Path output = Path.of("target", "web-e2e.log").toAbsolutePath();
    Files.createDirectories(output.getParent());
    try (StackFixture it = StackFixture.withHistory(1, Map.of())) {
      ProcessBuilder node = new ProcessBuilder("node", "e2e/chat.e2e.mjs").directory(web.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile());
      node.environment().put("PARLEY_URL", it.stack.gateway(0).uri().toString());
      node.environment().put("PARLEY_SCREENSHOTS", ROOT.resolve("docs/web").toString());
      node.environment().put("CHROMIUM", System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
      Process suite = node.start();
      try {
        boolean ended = suite.waitFor(8, TimeUnit.MINUTES);
        String report = read(output);
        assertThat(ended).as("the browser suite did not end within 8 minutes:%n%s", report).isTrue();
        assertThat(suite.exitValue()).as("the browser suite failed:%n%s", report).isZero();
        assertThat(report).contains("all passed").doesNotContain("FAIL");
      } finally {
        // The suite closes its Chromium itself; after a timeout, end what it started, then it.
        suite.descendants().forEach(ProcessHandle::destroyForcibly);
        suite.destroyForcibly();
      }
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no output)";
  }
}
