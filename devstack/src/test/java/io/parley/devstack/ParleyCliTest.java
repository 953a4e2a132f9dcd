package io.parley.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.auth.TokenService;
import io.parley.net.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's own behaviour: what a user sees when a command cannot do its job. */
class ParleyCliTest {
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
  void shouldSayInOneLineThatThereIsNoLocalStack() {
    assertThat(run("token", "--data-dir", dir.toString(), "alice")).isEqualTo(1);
    assertThat(err.toString()).startsWith("parley token: no local stack in ").doesNotContain("Exception", "\tat ");
  }

  @Test
  void shouldSayInOneLineWhyASignUpCannotGoOn() throws Exception {
    int closedPort = FreePorts.loopback();
    assertThat(run("signup", "--server", "http://127.0.0.1:" + closedPort, "alice")).isEqualTo(1);
    // without a terminal it asks for PARLEY_PASSWORD; with one, it finds nobody listening
    assertThat(err.toString()).containsAnyOf("parley signup: no terminal to ask for a password: set PARLEY_PASSWORD",
        "parley signup: cannot reach the stack").doesNotContain("\tat ");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void shouldRefuseAMalformedUserIdWithUsage() {
    assertThat(run("token", "--data-dir", dir.toString(), "Not A User")).isEqualTo(2);
    assertThat(err.toString()).contains("user ids are 2-32");
  }

  @Test
  void shouldPrintATokenSignedWithTheStacksSecret() throws Exception {
    String secret = LocalStack.localSecret(dir);
    assertThat(run("token", "--data-dir", dir.toString(), "alice", "laptop")).isZero();
    var principal = TokenService.fromSecret(secret, Duration.ofDays(1)).verify(out.toString().strip());
    assertThat(principal.user()).isEqualTo("alice");
    assertThat(principal.device()).isEqualTo("laptop");
  }
}
