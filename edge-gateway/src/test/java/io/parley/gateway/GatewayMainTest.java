package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.parley.auth.Principal;
import io.parley.config.ConfigSource;
import io.parley.gateway.frames.ErrorCode;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;
import io.parley.gateway.session.SendPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayMainTest {
  private static final Principal ALICE = new Principal("alice", "phone", Instant.MAX);

  private static Inbound.Send withAttachment() {
    return new Inbound.Send("m1", "bob", null, "look",
        List.of(new Inbound.AttachmentRef("a".repeat(64), "image/png", 10, "k", null)));
  }

  @Test
  void shouldCheckNothingWhenNeitherDirectoryNorAssetsAreConfigured() throws Exception {
    List<AutoCloseable> owned = new ArrayList<>();
    SendPolicy policy = GatewayMain.sendPolicy(ConfigSource.of(Map.of("gateway.check.assets", "false")), owned);

    assertThatCode(() -> policy.check(ALICE, withAttachment())).doesNotThrowAnyException();
    assertThat(owned).isEmpty();
  }

  @Test
  void shouldRefuseAttachmentsWhileTheBucketCannotBeAsked() throws Exception {
    List<AutoCloseable> owned = new ArrayList<>();
    // an S3 endpoint nobody listens on: the check must fail closed, telling the sender to retry
    SendPolicy policy = GatewayMain.sendPolicy(ConfigSource.of(Map.of(
        "assets.s3.endpoint", "http://127.0.0.1:9", "assets.s3.access.key", "k", "assets.s3.secret.key", "s",
        "assets.s3.timeout", "2s")), owned);
    try {
      FrameException e = catchThrowableOfType(() -> policy.check(ALICE, withAttachment()), FrameException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThatCode(() -> policy.check(ALICE, new Inbound.Send("m2", "bob", null, "text only", List.of())))
          .doesNotThrowAnyException();
    } finally {
      for (AutoCloseable resource : owned) {
        resource.close();
      }
    }
  }
}
