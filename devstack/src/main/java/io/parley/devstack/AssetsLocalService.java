package io.parley.devstack;

import io.parley.assets.AssetConfig;
import io.parley.assets.AssetService;
import io.parley.assets.s3proxy.LocalS3;
import io.parley.gateway.session.AssetSendPolicy;
import io.parley.gateway.session.SendPolicy;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;

/**
 * Media in the local stack: a real S3 API server (s3proxy over {@code <data>/s3}, on a free port)
 * unless {@code assets.s3.endpoint} points at one, the asset service's routes on the one origin,
 * and the gateways' check that every attachment names an uploaded asset.
 */
public final class AssetsLocalService implements LocalService {
  private LocalS3 s3;
  private AssetService assets;
  private Map<String, String> settings = Map.of();

  @Override
  public String name() {
    return "assets";
  }

  /** Starts the local S3 server, unless the settings name an S3 endpoint. */
  @Override
  public void prepare(Context context) throws Exception {
    if (context.config().get("assets.s3.endpoint").isEmpty()) {
      s3 = LocalS3.start(context.dataDir().resolve("s3"), 0);
      settings = s3.settings();
    }
  }

  @Override
  public void start(Context context) throws Exception {
    var config = context.config().with(settings);
    assets = AssetService.start(AssetConfig.from(config), context.tokens(), context.registry());
  }

  public AssetService assets() {
    return assets;
  }

  /** The local S3 server, if this stack started one (tests stop and restart it). */
  public LocalS3 s3() {
    if (s3 == null) {
      throw new IllegalStateException("this stack uses an S3 it did not start");
    }
    return s3;
  }

  @Override
  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public Map<String, Handler> routes() {
    return assets.routes();
  }

  @Override
  public List<SendPolicy> sendPolicies() {
    return List.of(new AssetSendPolicy(assets.catalog()));
  }

  @Override
  public void close() throws Exception {
    if (assets != null) {
      assets.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }
}
