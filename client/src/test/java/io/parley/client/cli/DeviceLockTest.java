package io.parley.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceLockTest {
  @TempDir
  Path dir;

  @Test
  void shouldGiveASecondChatOfOneUserItsOwnDeviceAndTheFirstOneBackOnceFree() throws Exception {
    try (DeviceLock first = DeviceLock.claim(dir, "alice", null);
         DeviceLock second = DeviceLock.claim(dir, "alice", null);
         DeviceLock bob = DeviceLock.claim(dir, "bob", null)) {
      assertThat(first.device()).isEqualTo("cli");
      assertThat(second.device()).isEqualTo("cli-2");
      assertThat(bob.device()).isEqualTo("cli");
    }
    try (DeviceLock again = DeviceLock.claim(dir, "alice", null)) {
      assertThat(again.device()).isEqualTo("cli");
    }
  }

  @Test
  void shouldRefuseADeviceNamedThatAnotherChatIsUsing() throws Exception {
    try (DeviceLock laptop = DeviceLock.claim(dir, "alice", "laptop")) {
      assertThatThrownBy(() -> DeviceLock.claim(dir, "alice", "laptop"))
          .isInstanceOf(DeviceLock.Taken.class).hasMessageContaining("--device");
    }
  }
}
