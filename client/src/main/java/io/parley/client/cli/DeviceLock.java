package io.parley.client.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which device a chat signs in as. The server keeps one socket per device: a second chat with the
 * same device closes the first (4001). So a chat holds a lock on its device's name while it runs,
 * and one started without {@code --device} takes the first free of {@code cli}, {@code cli-2}, …
 * {@code cli-9}: a few stable names, each with its own outbox, rather than a new device at every
 * start (the server keeps messages for every device signed in).
 */
public final class DeviceLock implements AutoCloseable {
  public static final String DEFAULT = "cli";
  private static final int MAX_DEFAULTS = 9;

  private final String device;
  private final FileChannel channel;
  private final FileLock lock;

  /** The device wanted is in use by another chat of this user on this machine. */
  public static final class Taken extends IOException {
    Taken(String message) {
      super(message);
    }
  }

  private DeviceLock(String device, FileChannel channel, FileLock lock) {
    this.device = device;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @param folder where the chats keep their outboxes
   * @param device the device asked for, or null for the first free default
   */
  public static DeviceLock claim(Path folder, String user, String device) throws IOException {
    Files.createDirectories(folder);
    if (device != null) {
      DeviceLock claimed = tryClaim(folder, user, device);
      if (claimed == null) {
        throw new Taken("another chat of " + user + " on this machine is signed in as device " + device
            + "; give this one another: --device <name>");
      }
      return claimed;
    }
    for (int n = 1; n <= MAX_DEFAULTS; n++) {
      DeviceLock claimed = tryClaim(folder, user, n == 1 ? DEFAULT : DEFAULT + "-" + n);
      if (claimed != null) {
        return claimed;
      }
    }
    throw new Taken(MAX_DEFAULTS + " chats of " + user + " run on this machine already; name a device: --device <name>");
  }

  private static DeviceLock tryClaim(Path folder, String user, String device) throws IOException {
    FileChannel channel = FileChannel.open(folder.resolve(user + "-" + device + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new DeviceLock(device, channel, lock);
      }
    } catch (OverlappingFileLockException e) {
      // this process holds it already
    }
    channel.close();
    return null;
  }

  public String device() {
    return device;
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
