package io.parley.bench.idle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {
  private static final String AT_REST = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1000         500000  [B (java.base@17.0.15)
         2:           200          64000  java.lang.String (java.base@17.0.15)
         3:            10            640  org.eclipse.jetty.websocket.core.internal.WebSocketCoreSession
      Total          1210         564640
      """;
  private static final String LOADED = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          3000        2500000  [B (java.base@17.0.15)
         2:           210          64320  java.lang.String (java.base@17.0.15)
         3:           110           7040  org.eclipse.jetty.websocket.core.internal.WebSocketCoreSession
         4:           100           3200  io.parley.gateway.session.DeviceSession
      Total          3420        2574560
      """;

  @Test
  void shouldRankWhatGrewPerSocketAndSkipHeadersAndTotals() {
    var growth = ClassHistogram.parse(LOADED).growthSince(ClassHistogram.parse(AT_REST), 100, 3);

    assertThat(growth).extracting(ClassHistogram.Growth::className)
        .containsExactly("[B", "org.eclipse.jetty.websocket.core.internal.WebSocketCoreSession", "io.parley.gateway.session.DeviceSession");
    assertThat(growth.get(0).bytesPerSocket()).isEqualTo(20_000);
    assertThat(growth.get(0).instancesPerSocket()).isEqualTo(20);
    assertThat(growth.get(2).bytesPerSocket()).isEqualTo(32);
  }

  @Test
  void shouldLeaveOutClassesThatDidNotGrow() {
    var growth = ClassHistogram.parse(AT_REST).growthSince(ClassHistogram.parse(LOADED), 100, 10);
    assertThat(growth).isEmpty();
  }
}
