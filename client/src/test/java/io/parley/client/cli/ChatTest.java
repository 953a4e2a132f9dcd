package io.parley.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.media.Attachment;
import org.junit.jupiter.api.Test;

class ChatTest {
  private static final String ASSET = "0123456789abcdef".repeat(4);

  private static String saved(String name) {
    return Chat.safeName(new Attachment(ASSET, "image/jpeg", 10, null, name));
  }

  @Test
  void shouldKeepAnOrdinaryFileName() {
    assertThat(saved("holiday photo.jpg")).isEqualTo("holiday photo.jpg");
  }

  @Test
  void shouldNeverLetTheSenderChooseAPathOrAHiddenFile() {
    assertThat(saved("../../.bashrc")).doesNotContain("/").doesNotStartWith(".");
    assertThat(saved("/etc/passwd")).doesNotContain("/");
    assertThat(saved("..")).startsWith("0123456789ab");
    assertThat(saved(null)).isEqualTo("0123456789ab");
    assertThat(saved("a".repeat(500))).hasSize(100);
  }
}
