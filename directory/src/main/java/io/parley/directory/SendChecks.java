package io.parley.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.directory.groups.Groups;
import io.parley.directory.users.Users;
import io.parley.model.Ids;
import java.time.Duration;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The read side a gateway needs before it takes a message (does the recipient exist, is the sender
 * in the group) and the history API before it serves a group (since when is the caller a member) or
 * a presence (does the user exist).
 * Answers are cached briefly (a user who exists stays; membership changes within seconds); the
 * topology checks group membership again, authoritatively, when it fans out.
 */
public final class SendChecks {
  private final Jdbi jdbi;
  private final Cache<String, Boolean> knownUsers = Caffeine.newBuilder()
      .maximumSize(500_000).expireAfterWrite(Duration.ofMinutes(10)).build();
  private final Cache<String, Boolean> unknownUsers = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(2)).build();
  private final Cache<String, OptionalLong> memberships = Caffeine.newBuilder()
      .maximumSize(500_000).expireAfterWrite(Duration.ofSeconds(5)).build();
  private final Cache<String, OptionalLong> memberVersions = Caffeine.newBuilder()
      .maximumSize(500_000).expireAfterWrite(Duration.ofSeconds(5)).build();

  private final Cache<String, Boolean> sharedGroups = Caffeine.newBuilder()
      .maximumSize(500_000).expireAfterWrite(Duration.ofSeconds(5)).build();

  public SendChecks(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public boolean userExists(String user) {
    if (!Ids.isUser(user)) {
      return false;
    }
    if (knownUsers.getIfPresent(user) != null) {
      return true;
    }
    if (unknownUsers.getIfPresent(user) != null) {
      return false;
    }
    boolean exists = jdbi.withExtension(Users.class, u -> u.find(user)).isPresent();
    (exists ? knownUsers : unknownUsers).put(user, true);
    return exists;
  }

  public boolean isMember(String group, String user) {
    return memberSince(group, user).isPresent();
  }

  /**
   * When {@code user} joined {@code group} (epoch milliseconds, the directory's clock), or empty when
   * they are not a member now. A member who left and was added again counts from the later join.
   */
  public OptionalLong memberSince(String group, String user) {
    if (!Ids.isGroup(group)) {
      return OptionalLong.empty();
    }
    return memberships.get(group + '|' + user, k -> jdbi.withExtension(Groups.class, g -> g.member(group, user))
        .map(m -> OptionalLong.of(m.joinedAt())).orElse(OptionalLong.empty()));
  }

  /**
   * The version of {@code group}'s member set at which {@code user} is a member, or empty when they are
   * not one now. A group send carries it, so the topology fans out only once it knows that version.
   */
  public OptionalLong memberVersion(String group, String user) {
    if (!Ids.isGroup(group)) {
      return OptionalLong.empty();
    }
    return memberVersions.get(group + '|' + user, k -> jdbi.withExtension(Groups.class, g -> g.versionWithMember(group, user))
        .map(OptionalLong::of).orElse(OptionalLong.empty()));
  }

  /** True if {@code a} and {@code b} are in one group now (cached for seconds, like memberships). */
  public boolean shareAGroup(String a, String b) {
    if (!Ids.isUser(a) || !Ids.isUser(b)) {
      return false;
    }
    String key = a.compareTo(b) < 0 ? a + '|' + b : b + '|' + a;
    return sharedGroups.get(key, k -> jdbi.withExtension(Groups.class, g -> g.shareAGroup(a, b)));
  }

  public boolean groupExists(String group) {
    return Ids.isGroup(group) && jdbi.withExtension(Groups.class, g -> g.find(group)).isPresent();
  }
}
