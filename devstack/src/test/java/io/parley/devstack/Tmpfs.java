package io.parley.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the test mounts itself (this needs root, as the tests and CI run), to give a process a
 * disk that a test can fill to the last byte and free again. {@link #close} unmounts it; a shutdown
 * hook does too if the JVM ends first, so no mount outlives the test run.
 */
final class Tmpfs implements AutoCloseable {
  private final Path mountpoint;
  private final Path filler;
  private final Thread unmountAtExit;
  private boolean mounted = true;

  private Tmpfs(Path mountpoint) {
    this.mountpoint = mountpoint;
    this.filler = mountpoint.resolve("filler");
    this.unmountAtExit = new Thread(() -> command("umount", "-l", mountpoint.toString()), "tmpfs-unmount");
    Runtime.getRuntime().addShutdownHook(unmountAtExit);
  }

  /** Mounts a tmpfs of {@code bytes} at {@code mountpoint} (a new folder); fails, with the reason, if it cannot. */
  static Tmpfs mount(Path mountpoint, long bytes) throws IOException {
    Files.createDirectories(mountpoint);
    String out = command("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0755", "tmpfs", mountpoint.toString());
    if (out != null) {
      throw new AssertionError("cannot mount a " + bytes + "-byte tmpfs at " + mountpoint + " (the full-disk test needs root,"
          + " or CAP_SYS_ADMIN; running as " + System.getProperty("user.name") + "): " + out);
    }
    return new Tmpfs(mountpoint);
  }

  Path path() {
    return mountpoint;
  }

  long usedBytes() throws IOException {
    var store = Files.getFileStore(mountpoint);
    return store.getTotalSpace() - store.getUnallocatedSpace();
  }

  long freeBytes() throws IOException {
    return Files.getFileStore(mountpoint).getUsableSpace();
  }

  /** Writes a filler file until the filesystem refuses a single byte more (ENOSPC); returns its size. */
  long fill() throws IOException {
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int chunk : new int[] {1 << 20, 4_096, 1}) {
        byte[] bytes = new byte[chunk];
        try {
          while (true) {
            out.write(bytes);
            out.flush();
            written += chunk;
          }
        } catch (IOException full) {
          // the filesystem is full at this granularity; the next, smaller chunk takes what is left
        }
      }
    } catch (IOException closing) {
      // closing a file on a full filesystem may report the same ENOSPC; the filler stays
    }
    return Files.size(filler);
  }

  /** Deletes the filler: the space is free again. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  /** Unmounts (lazily if a process still holds a file on it, which then ends with that process). */
  @Override
  public void close() {
    if (!mounted) {
      return;
    }
    String out = command("umount", mountpoint.toString());
    if (out != null && command("umount", "-l", mountpoint.toString()) != null) {
      throw new IllegalStateException("cannot unmount the tmpfs at " + mountpoint + ": " + out);
    }
    mounted = false;
    Runtime.getRuntime().removeShutdownHook(unmountAtExit);
  }

  /** Runs a command; null if it succeeded, else its exit code and output. */
  private static String command(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + " did not finish in 30 s";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + out;
    } catch (IOException e) {
      return String.join(" ", command) + " could not run: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return String.join(" ", command) + " interrupted";
    }
  }
}
