package io.parley.client.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths as the person typing them means them: {@code ~} is their home, and a relative path starts in
 * the folder they ran {@code ./parley} from (the {@code parley} script itself runs in the project's
 * folder, and passes the caller's folder on).
 *
 * @param cwd the folder the user ran the chat from
 * @param home the user's home folder
 */
record UserPaths(Path cwd, Path home) {

  UserPaths {
    cwd = cwd.toAbsolutePath().normalize();
    home = home.toAbsolutePath().normalize();
  }

  /**
   * The folder the user ran the chat from ({@code PARLEY_USER_DIR}, which the {@code parley} script
   * sets; else this process's folder), and {@code ~} as their shell has it ({@code HOME}, else Java's
   * {@code user.home}).
   */
  static UserPaths ofThisUser(String userDir) {
    Path cwd = userDir == null || userDir.isBlank() ? Path.of("") : Path.of(userDir);
    String home = System.getenv("HOME");
    return new UserPaths(cwd, Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home));
  }

  Path resolve(String typed) {
    if (typed.equals("~")) {
      return home;
    }
    if (typed.startsWith("~/")) {
      return home.resolve(typed.substring(2)).normalize();
    }
    return cwd.resolve(typed).normalize();
  }

  /**
   * Where {@code /save} puts a file when no folder is named: {@code ~/Downloads} if there is one, else
   * the home folder; never the folder the chat runs in, which is often the project's.
   */
  Path downloads() {
    Path downloads = home.resolve("Downloads");
    return Files.isDirectory(downloads) ? downloads : home;
  }

  /**
   * Creates an empty file named {@code name} in {@code folder}, or {@code name (1)}, {@code name (2)}…
   * if that exists: the file is claimed at once, so nothing that exists is ever overwritten.
   */
  static Path claimUnused(Path folder, String name) throws IOException {
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int n = 0; n < 1000; n++) {
      Path candidate = folder.resolve(n == 0 ? name : stem + " (" + n + ")" + extension);
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        // taken: try the next number
      }
    }
    throw new IOException("1,000 files named like " + name + " in " + folder + " already");
  }
}
