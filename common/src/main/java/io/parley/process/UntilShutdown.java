package io.parley.process;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A service process's last step: wait until the JVM is asked to stop (Ctrl-C, SIGTERM), then close its parts. */
public final class UntilShutdown {
  private static final Logger log = LoggerFactory.getLogger(UntilShutdown.class);

  private UntilShutdown() {}

  /**
   * Blocks until shutdown; the hook thread {@code hookName} closes {@code parts} in the order given,
   * each even if an earlier one failed, and only then lets the process end.
   */
  public static void close(String hookName, AutoCloseable... parts) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        for (AutoCloseable part : parts) {
          try {
            part.close();
          } catch (Exception e) {
            log.warn("{}: {} did not close cleanly: {}", hookName, part, e.toString());
          }
        }
      } finally {
        stopped.countDown();
      }
    }, hookName));
    stopped.await();
  }
}
