package io.parley.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AssetCatalogTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private final Set<String> stored = new HashSet<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private boolean down;
  private final AssetCatalog catalog = new AssetCatalog(id -> {
    lookups.incrementAndGet();
    if (down) {
      throw new AssetsUnavailableException("S3 down", null);
    }
    return stored.contains(id.sha256());
  }, 1_000);

  @Test
  void shouldCacheOnlyPositiveAnswers() throws Exception {
    assertThat(catalog.exists(A)).isFalse();
    stored.add(A);
    assertThat(catalog.exists(A)).as("a missing asset may be uploaded a moment later").isTrue();
    int before = lookups.get();
    down = true;
    assertThat(catalog.exists(A)).as("assets never disappear: no need to ask again").isTrue();
    assertThat(lookups.get()).isEqualTo(before);
  }

  @Test
  void shouldSayUnavailableWhenItCannotAsk() {
    down = true;
    assertThatThrownBy(() -> catalog.exists(B)).isInstanceOf(AssetsUnavailableException.class);
  }

  @Test
  void shouldNeverFindAMalformedId() throws Exception {
    assertThat(catalog.exists("not-a-hash")).isFalse();
    assertThat(catalog.exists(A.toUpperCase())).isFalse();
    assertThat(catalog.exists((String) null)).isFalse();
    assertThat(lookups.get()).isZero();
  }

  @Test
  void shouldKnowWhatThisProcessStored() throws Exception {
    catalog.remember(new AssetId(B));
    down = true;
    assertThat(catalog.exists(B)).isTrue();
  }
}
