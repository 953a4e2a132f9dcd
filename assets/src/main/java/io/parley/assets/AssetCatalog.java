package io.parley.assets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.assets.store.S3AssetStore;
import java.util.Optional;

/**
 * Answers "does this asset exist?" — for the gateway's check on attachments and the service's own
 * HEAD, GET and PUT. Only positive answers are cached: an asset never disappears, while one that is
 * missing now may be uploaded a moment later.
 */
public final class AssetCatalog implements AutoCloseable {

  /** The authoritative look-up behind the cache. */
  @FunctionalInterface
  public interface Lookup {
    boolean exists(AssetId id) throws AssetsUnavailableException;
  }

  private final Lookup lookup;
  private final Cache<String, Boolean> known;
  private final AutoCloseable owned;

  AssetCatalog(Lookup lookup, long maxCached, AutoCloseable owned) {
    this.lookup = lookup;
    this.known = Caffeine.newBuilder().maximumSize(maxCached).build();
    this.owned = owned;
  }

  public AssetCatalog(Lookup lookup, long maxCached) {
    this(lookup, maxCached, () -> { });
  }

  /**
   * A catalog with its own S3 client, for a process that does not run the asset service (a
   * production gateway): it needs only read access (HeadObject) to the bucket. Close it when done.
   */
  public static AssetCatalog connect(AssetConfig config) {
    S3AssetStore store = S3AssetStore.connect(config);
    return new AssetCatalog(store::exists, 100_000, store);
  }

  /**
   * Whether the asset was ever uploaded. An id that is not 64 lower-case hex digits never exists.
   *
   * @throws AssetsUnavailableException the object store cannot be asked now
   */
  public boolean exists(String sha256) throws AssetsUnavailableException {
    Optional<AssetId> id = AssetId.parse(sha256);
    return id.isPresent() && exists(id.get());
  }

  public boolean exists(AssetId id) throws AssetsUnavailableException {
    if (known.getIfPresent(id.sha256()) != null) {
      return true;
    }
    boolean found = lookup.exists(id);
    if (found) {
      known.put(id.sha256(), Boolean.TRUE);
    }
    return found;
  }

  /** Records an asset this process has just stored. */
  public void remember(AssetId id) {
    known.put(id.sha256(), Boolean.TRUE);
  }

  @Override
  public void close() throws Exception {
    owned.close();
  }
}
