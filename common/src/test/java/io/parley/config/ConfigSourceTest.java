package io.parley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

  @Test
  void shouldLetTheEnvironmentOverrideTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("parley.properties");
    Files.writeString(file, "gateway.port=9000\ngateway.id=gw-a\n");

    ConfigSource config = ConfigSource.load(Optional.of(file), Map.of("PARLEY_GATEWAY_PORT", "9100", "HOME", "/root"));

    assertThat(config.integer("gateway.port", 8080)).isEqualTo(9100);
    assertThat(config.string("gateway.id", "x")).isEqualTo("gw-a");
    assertThat(config.get("home")).isEmpty();
  }

  @Test
  void shouldParseDurationsInEitherForm() {
    ConfigSource config = ConfigSource.of(Map.of("a", "250ms", "b", "30s", "c", "PT2M", "d", "30d"));
    assertThat(config.duration("a", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(config.duration("b", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.duration("c", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.duration("d", Duration.ZERO)).isEqualTo(Duration.ofDays(30));
    assertThat(config.duration("missing", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldNameTheKeyOfAMalformedValue() {
    ConfigSource config = ConfigSource.of(Map.of("gateway.port", "eighty", "t", "soon", "b", "maybe"));
    assertThatThrownBy(() -> config.integer("gateway.port", 1)).hasMessageContaining("gateway.port");
    assertThatThrownBy(() -> config.duration("t", Duration.ZERO)).hasMessageContaining("t must be a duration");
    assertThatThrownBy(() -> config.bool("b", false)).hasMessageContaining("b must be true or false");
  }
}
