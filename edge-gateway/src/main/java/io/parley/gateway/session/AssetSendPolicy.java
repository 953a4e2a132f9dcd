package io.parley.gateway.session;

import io.parley.assets.AssetCatalog;
import io.parley.assets.AssetsUnavailableException;
import io.parley.auth.Principal;
import io.parley.gateway.frames.ErrorCode;
import io.parley.gateway.frames.FrameException;
import io.parley.gateway.frames.Inbound;

/**
 * Refuses, before Kafka, a message whose attachment names an asset that was never uploaded: the
 * recipient could never fetch it. Unlike the directory check this one fails closed — when the object
 * store cannot be asked the sender gets {@code unavailable} and resends the same id later, because a
 * message pointing at nothing cannot be repaired once delivered.
 */
public final class AssetSendPolicy implements SendPolicy {
  private final AssetCatalog catalog;

  public AssetSendPolicy(AssetCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public long check(Principal sender, Inbound.Send send) throws FrameException {
    for (Inbound.AttachmentRef attachment : send.attachments()) {
      boolean exists;
      try {
        exists = catalog.exists(attachment.asset());
      } catch (AssetsUnavailableException e) {
        throw new FrameException(ErrorCode.UNAVAILABLE, "media storage is unavailable; send again later", send.id());
      }
      if (!exists) {
        throw new FrameException(ErrorCode.UNKNOWN_ASSET, "no such asset: " + attachment.asset()
            + " (upload it with PUT /v1/assets/{sha256} first)", send.id());
      }
    }
    return 0L;
  }
}
