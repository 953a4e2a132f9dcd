package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.auth.TokenService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code ./parley token} and {@code ./parley chat} say about their device. */
class ParleyCliUsageTest {
  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = ParleyCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void shouldShowTheTokensDeviceAsOptionalAndDefaultItToCli() throws Exception {
    run("token", "--help");
    assertThat(out.toString()).contains("<user> [<device>]").contains("(default: cli)");

    String secret = LocalStack.localSecret(dir);
    out.getBuffer().setLength(0);
    assertThat(run("token", "--data-dir", dir.toString(), "alice")).isZero();
    assertThat(TokenService.fromSecret(secret, Duration.ofDays(1)).verify(out.toString().strip()).device()).isEqualTo("cli");
  }

  @Test
  void shouldSayThatTwoChatsOfOneUserNeedTwoDevices() {
    run("chat", "--help");
    assertThat(out.toString()).contains("--device").contains("two chats of one user need two devices");
  }
}
