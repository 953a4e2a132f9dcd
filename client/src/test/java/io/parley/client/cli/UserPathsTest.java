package io.parley.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserPathsTest {
  @TempDir
  Path dir;

  @Test
  void shouldExpandTildeAndStartRelativePathsInTheUsersFolder() {
    UserPaths paths = new UserPaths(dir.resolve("work"), dir.resolve("home"));
    assertThat(paths.resolve("~")).isEqualTo(dir.resolve("home"));
    assertThat(paths.resolve("~/Pictures/cat.jpg")).isEqualTo(dir.resolve("home/Pictures/cat.jpg"));
    assertThat(paths.resolve("cat.jpg")).isEqualTo(dir.resolve("work/cat.jpg"));
    assertThat(paths.resolve("../x")).isEqualTo(dir.resolve("x"));
    assertThat(paths.resolve("/etc/hosts")).isEqualTo(Path.of("/etc/hosts"));
  }

  @Test
  void shouldSaveIntoDownloadsWhenThereIsOneElseHome() throws Exception {
    UserPaths paths = new UserPaths(dir.resolve("work"), dir.resolve("home"));
    Files.createDirectories(dir.resolve("home"));
    assertThat(paths.downloads()).isEqualTo(dir.resolve("home"));
    Files.createDirectories(dir.resolve("home/Downloads"));
    assertThat(paths.downloads()).isEqualTo(dir.resolve("home/Downloads"));
  }

  @Test
  void shouldClaimANameNobodyHas() throws Exception {
    assertThat(UserPaths.claimUnused(dir, "a.tar.gz")).isEqualTo(dir.resolve("a.tar.gz"));
    assertThat(UserPaths.claimUnused(dir, "a.tar.gz")).isEqualTo(dir.resolve("a.tar (1).gz"));
    assertThat(UserPaths.claimUnused(dir, "README")).isEqualTo(dir.resolve("README"));
    assertThat(UserPaths.claimUnused(dir, "README")).isEqualTo(dir.resolve("README (1)"));
  }

  @Test
  void shouldSplitWordsAsAShellDoes() {
    assertThat(Words.split("1 \"my folder\"")).containsExactly("1", "my folder");
    assertThat(Words.split("'it''s' a\\ b \"say \\\"hi\\\"\"")).containsExactly("its", "a b", "say \"hi\"");
    assertThat(Words.firstAndRest("\"my cat.jpg\" look  at this")).containsExactly("my cat.jpg", "look  at this");
    assertThat(Words.firstAndRest("   ")).containsExactly(null, "");
    assertThatThrownBy(() -> Words.split("\"open")).isInstanceOf(Words.Unclosed.class);
  }
}
