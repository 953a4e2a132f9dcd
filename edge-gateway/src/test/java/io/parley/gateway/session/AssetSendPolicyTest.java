package io.parley.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.parley.assets.AssetCatalog;
import io.parley.assets.AssetsUnavailableException;
import io.parley.auth.Principal;
import io.parley.gateway.frames.ErrorCode;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AssetSendPolicyTest {
  private static final String STORED = "a".repeat(64);
  private static final String MISSING = "b".repeat(64);
  private static final Principal ALICE = new Principal("alice", "phone", Instant.MAX);

  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final AssetSendPolicy policy = new AssetSendPolicy(new AssetCatalog(id -> {
    if (storeDown.get()) {
      throw new AssetsUnavailableException("S3 down", null);
    }
    return Set.of(STORED).contains(id.sha256());
  }, 100));

  private static Inbound.Send send(String... assets) {
    List<Inbound.AttachmentRef> refs = java.util.Arrays.stream(assets)
        .map(a -> new Inbound.AttachmentRef(a, "image/png", 10, "k", null)).toList();
    return new Inbound.Send("m1", "bob", null, "look", refs);
  }

  @Test
  void shouldTakeMessagesWithoutAttachmentsOrWithStoredOnes() {
    assertThatCode(() -> policy.check(ALICE, send())).doesNotThrowAnyException();
    assertThatCode(() -> policy.check(ALICE, send(STORED))).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAnAttachmentThatWasNeverUploaded() {
    FrameException e = catchThrowableOfType(() -> policy.check(ALICE, send(STORED, MISSING)), FrameException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ASSET);
    assertThat(e.getMessage()).contains(MISSING);
  }

  @Test
  void shouldAskTheSenderToRetryWhenStorageCannotBeAsked() {
    storeDown.set(true);
    FrameException e = catchThrowableOfType(() -> policy.check(ALICE, send(MISSING)), FrameException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void shouldKeepTakingKnownAssetsWhileStorageIsDown() throws Exception {
    policy.check(ALICE, send(STORED));
    storeDown.set(true);
    assertThatCode(() -> policy.check(ALICE, send(STORED))).doesNotThrowAnyException();
  }
}
