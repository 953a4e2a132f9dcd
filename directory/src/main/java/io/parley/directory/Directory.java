package io.parley.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.parley.auth.TokenService;
import io.parley.directory.devices.DeviceRegistry;
import io.parley.directory.groups.Group;
import io.parley.directory.groups.Groups;
import io.parley.directory.groups.Member;
import io.parley.directory.groups.MembershipOutbox;
import io.parley.directory.users.Passwords;
import io.parley.directory.users.Profile;
import io.parley.directory.users.User;
import io.parley.directory.users.Users;
import io.parley.model.Ids;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The rules of users and groups: sign-up, sign-in and sign-out, profiles, group membership. Every
 * change runs in one transaction; a membership change also writes the group's new member set to the
 * outbox in that transaction, so what Kafka will learn is decided atomically with MySQL. Signing a
 * device in or out is told to the user's mailbox directly, before the call is answered.
 */
public final class Directory {
  private static final int MAX_DISPLAY_NAME = 64;
  private static final int MAX_ABOUT = 140;
  private static final int MAX_GROUP_NAME = 100;
  private static final int MAX_PASSWORD = 128;
  private static final char[] GROUP_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final Jdbi jdbi;
  private final Runnable membershipCommitted;
  private final SignInRecorder signIns;
  private final DirectoryConfig config;
  private final Passwords passwords;
  private final TokenService tokens;
  private final DeviceRegistry devices;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Cache<String, Optional<Profile>> profiles = Caffeine.newBuilder()
      .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  /** Told of every successful sign-in, after the device is registered (the events topic's {@code signed_in}). */
  @FunctionalInterface
  public interface SignInRecorder {
    void signedIn(String user, String device, long at);
  }

  /** The outcome of a sign-in: a token for one device. */
  public record Session(String token, Profile user) {}

  /** A group with its members, as members may see it. */
  public record GroupView(String id, String name, String createdBy, long createdAt, long version, List<Member> members) {}

  public Directory(Jdbi jdbi, DirectoryConfig config, Passwords passwords, TokenService tokens, DeviceRegistry devices,
      Clock clock) {
    this(jdbi, config, passwords, tokens, devices, clock, () -> { }, (user, device, at) -> { });
  }

  /**
   * @param membershipCommitted runs after every committed membership change (its outbox rows are in
   *     MySQL): the local relay publishes them at once instead of at its next poll
   * @param signIns records each sign-in as an app event
   */
  public Directory(Jdbi jdbi, DirectoryConfig config, Passwords passwords, TokenService tokens, DeviceRegistry devices,
      Clock clock, Runnable membershipCommitted, SignInRecorder signIns) {
    this.membershipCommitted = membershipCommitted;
    this.signIns = signIns;
    this.jdbi = jdbi;
    this.config = config;
    this.passwords = passwords;
    this.tokens = tokens;
    this.devices = devices;
    this.clock = clock;
  }

  // --- users ---

  public Profile signUp(String username, String password, String displayName) throws DirectoryException {
    if (!Ids.isUser(username)) {
      throw new DirectoryException(400, "invalid_username",
          "usernames are 2-32 of a-z 0-9 . _ - and start with a letter or digit");
    }
    checkPassword(username, password);
    String name = displayName == null || displayName.isBlank() ? username : cleanText(displayName, "displayName", MAX_DISPLAY_NAME);
    long now = clock.millis();
    User user = new User(username, passwords.hash(password), name, "", null, now, now);
    try {
      jdbi.useExtension(Users.class, users -> users.insert(user));
    } catch (UnableToExecuteStatementException e) {
      if (isDuplicateKey(e)) {
        throw DirectoryException.conflict("username_taken", "that username is taken");
      }
      throw e;
    }
    profiles.invalidate(username);
    return user.profile();
  }

  /**
   * Checks the password and registers the device with the user's mailbox, which from then on keeps
   * every message for it; the token is issued only once Kafka has that.
   *
   * @throws DeviceRegistry.Unavailable Kafka did not take the registration (no token is issued)
   */
  public Session signIn(String username, String password, String device) throws DirectoryException {
    if (!Ids.isDevice(device)) {
      throw DirectoryException.badRequest("device ids are 1-64 of A-Z a-z 0-9 . _ -");
    }
    Optional<User> user = Ids.isUser(username) ? jdbi.withExtension(Users.class, u -> u.find(username)) : Optional.empty();
    boolean ok = passwords.matches(password == null ? "" : password, user.map(User::passwordHash).orElse(null));
    if (!ok || user.isEmpty()) {
      throw new DirectoryException(401, "unauthorized", "wrong username or password");
    }
    devices.registered(username, device);
    signIns.signedIn(username, device, clock.millis());
    return new Session(tokens.issue(username, device), user.get().profile());
  }

  /**
   * The device signs out: its mailbox forgets it, ends its session and stops keeping messages for
   * it. Tokens are stateless, so the device's token stays valid until it expires: the client drops it.
   *
   * @throws DeviceRegistry.Unavailable Kafka did not take the removal
   */
  public void signOut(String userId, String device) {
    devices.removed(userId, device);
  }

  public Optional<Profile> profile(String userId) {
    if (!Ids.isUser(userId)) {
      return Optional.empty();
    }
    return profiles.get(userId, id -> jdbi.withExtension(Users.class, u -> u.find(id)).map(User::profile));
  }

  public boolean userExists(String userId) {
    return profile(userId).isPresent();
  }

  /** Changes the given fields; a null field keeps its value, an empty avatar clears it. */
  public Profile updateProfile(String userId, String displayName, String about, String avatar) throws DirectoryException {
    String name = displayName == null ? null : cleanText(displayName, "displayName", MAX_DISPLAY_NAME);
    if (name != null && name.isBlank()) {
      throw DirectoryException.badRequest("displayName may not be empty");
    }
    String aboutText = about == null ? null : cleanText(about, "about", MAX_ABOUT);
    if (avatar != null && !avatar.isEmpty() && !avatar.matches("[0-9a-f]{64}")) {
      throw DirectoryException.badRequest("avatar is the asset id (lower-case hex SHA-256) of an uploaded image");
    }
    Profile updated = jdbi.inTransaction(h -> {
      Users users = h.attach(Users.class);
      User current = users.find(userId).orElse(null);
      if (current == null) {
        return null;
      }
      User next = new User(userId, current.passwordHash(),
          name != null ? name : current.displayName(),
          aboutText != null ? aboutText : current.about(),
          avatar == null ? current.avatarAsset() : (avatar.isEmpty() ? null : avatar),
          current.createdAt(), clock.millis());
      users.updateProfile(next);
      return next.profile();
    });
    profiles.invalidate(userId);
    if (updated == null) {
      throw DirectoryException.notFound("unknown_user", "no such user");
    }
    return updated;
  }

  // --- groups ---

  public GroupView createGroup(String creator, String name, List<String> memberIds) throws DirectoryException {
    String groupName = cleanText(name == null ? "" : name, "name", MAX_GROUP_NAME);
    if (groupName.isBlank()) {
      throw DirectoryException.badRequest("a group needs a name");
    }
    Set<String> members = new LinkedHashSet<>();
    members.add(creator);
    for (String id : memberIds) {
      if (!Ids.isUser(id)) {
        throw DirectoryException.badRequest("members are user ids");
      }
      members.add(id);
    }
    if (members.size() > config.maxGroupSize()) {
      throw new DirectoryException(400, "group_too_large", "a group has at most " + config.maxGroupSize() + " members");
    }
    String id = newGroupId();
    long now = clock.millis();
    return inTransaction(h -> {
      Set<String> existing = new java.util.HashSet<>(h.attach(Users.class).existing(members));
      List<String> unknown = members.stream().filter(m -> !existing.contains(m)).toList();
      if (!unknown.isEmpty()) {
        throw DirectoryException.notFound("unknown_user", "no such users: " + String.join(", ", unknown.subList(0, Math.min(10, unknown.size()))));
      }
      Groups groups = h.attach(Groups.class);
      groups.insert(new Group(id, groupName, creator, now, 1, members.size()));
      List<Member> rows = new ArrayList<>();
      for (String m : members) {
        rows.add(new Member(id, m, m.equals(creator) ? Member.ADMIN : Member.MEMBER, now));
      }
      groups.addMembers(rows);
      h.attach(MembershipOutbox.class).add(id, 1, io.parley.directory.groups.OutboxJson.of(members), false, now);
      return new GroupView(id, groupName, creator, now, 1, rows);
    });
  }

  public GroupView group(String caller, String groupId) throws DirectoryException {
    Group group = findGroup(groupId);
    List<Member> members = jdbi.withExtension(Groups.class, g -> g.members(groupId));
    if (members.stream().noneMatch(m -> m.userId().equals(caller))) {
      throw DirectoryException.forbidden("not_member", "only members see a group");
    }
    return new GroupView(group.id(), group.name(), group.createdBy(), group.createdAt(), group.version(), members);
  }

  public List<Group> groupsOf(String userId) {
    return jdbi.withExtension(Groups.class, g -> g.groupsOf(userId));
  }

  public boolean isMember(String groupId, String userId) {
    return Ids.isGroup(groupId) && jdbi.withExtension(Groups.class, g -> g.member(groupId, userId)).isPresent();
  }

  public boolean groupExists(String groupId) {
    return Ids.isGroup(groupId) && jdbi.withExtension(Groups.class, g -> g.find(groupId)).isPresent();
  }

  /** An admin adds a user. */
  public GroupView addMember(String caller, String groupId, String userId) throws DirectoryException {
    if (!Ids.isUser(userId)) {
      throw DirectoryException.badRequest("user is a user id");
    }
    findGroup(groupId);
    long now = clock.millis();
    return inTransaction(h -> {
      Groups groups = h.attach(Groups.class);
      Group group = groups.lock(groupId).orElseThrow(() -> DirectoryException.notFound("unknown_group", "no such group"));
      List<Member> members = groups.members(groupId);
      requireAdmin(members, caller);
      if (members.stream().anyMatch(m -> m.userId().equals(userId))) {
        throw DirectoryException.conflict("already_member", userId + " is already a member");
      }
      if (members.size() + 1 > config.maxGroupSize()) {
        throw new DirectoryException(400, "group_too_large", "a group has at most " + config.maxGroupSize() + " members");
      }
      if (h.attach(Users.class).find(userId).isEmpty()) {
        throw DirectoryException.notFound("unknown_user", "no such user: " + userId);
      }
      groups.addMembers(List.of(new Member(groupId, userId, Member.MEMBER, now)));
      return publish(h, group, groups.members(groupId), now);
    });
  }

  /**
   * An admin removes a member, or a member leaves. When the last admin leaves, the longest-standing
   * member becomes admin; when the last member leaves, the group is gone.
   */
  public Optional<GroupView> removeMember(String caller, String groupId, String userId) throws DirectoryException {
    findGroup(groupId);
    long now = clock.millis();
    return inTransaction(h -> {
      Groups groups = h.attach(Groups.class);
      Group group = groups.lock(groupId).orElseThrow(() -> DirectoryException.notFound("unknown_group", "no such group"));
      List<Member> members = groups.members(groupId);
      if (!caller.equals(userId)) {
        requireAdmin(members, caller);
      }
      if (groups.removeMember(groupId, userId) == 0) {
        throw DirectoryException.notFound("not_member", userId + " is not a member");
      }
      List<Member> left = groups.members(groupId);
      if (left.isEmpty()) {
        groups.delete(groupId);
        h.attach(MembershipOutbox.class).add(groupId, group.version() + 1, "[]", true, now);
        return Optional.<GroupView>empty();
      }
      if (left.stream().noneMatch(Member::admin)) {
        groups.setRole(groupId, left.get(0).userId(), Member.ADMIN);
        left = groups.members(groupId);
      }
      return Optional.of(publish(h, group, left, now));
    });
  }

  private GroupView publish(Handle h, Group group, List<Member> members, long now) {
    long version = group.version() + 1;
    h.attach(Groups.class).setVersion(group.id(), version, members.size());
    List<String> ids = members.stream().map(Member::userId).toList();
    h.attach(MembershipOutbox.class).add(group.id(), version, io.parley.directory.groups.OutboxJson.of(ids), false, now);
    return new GroupView(group.id(), group.name(), group.createdBy(), group.createdAt(), version, members);
  }

  private Group findGroup(String groupId) throws DirectoryException {
    if (!Ids.isGroup(groupId)) {
      throw DirectoryException.notFound("unknown_group", "no such group");
    }
    return jdbi.withExtension(Groups.class, g -> g.find(groupId))
        .orElseThrow(() -> DirectoryException.notFound("unknown_group", "no such group"));
  }

  private static void requireAdmin(List<Member> members, String caller) throws DirectoryException {
    Optional<Member> me = members.stream().filter(m -> m.userId().equals(caller)).findFirst();
    if (me.isEmpty()) {
      throw DirectoryException.forbidden("not_member", "only members may change a group");
    }
    if (!me.get().admin()) {
      throw DirectoryException.forbidden("not_admin", "only admins manage members");
    }
  }

  // --- helpers ---

  private void checkPassword(String username, String password) throws DirectoryException {
    if (password == null || password.length() < config.minPasswordLength()) {
      throw new DirectoryException(400, "weak_password", "passwords have at least " + config.minPasswordLength() + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new DirectoryException(400, "bad_request", "passwords have at most " + MAX_PASSWORD + " characters");
    }
    if (password.chars().distinct().count() < 4 || password.toLowerCase(java.util.Locale.ROOT).contains(username)) {
      throw new DirectoryException(400, "weak_password", "that password is too easy to guess");
    }
  }

  /** Text shown to other users: no control characters, at most {@code max} characters. */
  static String cleanText(String text, String field, int max) throws DirectoryException {
    String s = text.strip();
    if (s.codePointCount(0, s.length()) > max) {
      throw DirectoryException.badRequest(field + " has at most " + max + " characters");
    }
    if (s.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
      throw DirectoryException.badRequest(field + " may not contain control characters");
    }
    return s;
  }

  private String newGroupId() {
    StringBuilder id = new StringBuilder("g");
    for (int i = 0; i < 20; i++) {
      id.append(GROUP_ALPHABET[random.nextInt(GROUP_ALPHABET.length)]);
    }
    return id.toString();
  }

  private static boolean isDuplicateKey(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLIntegrityConstraintViolationException
          || (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 1062)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs a membership change in one transaction; a DirectoryException rolls it back and reaches the
   * caller as is. Once it committed, the relay hears of it.
   */
  private <T> T inTransaction(HandleCallback<T, DirectoryException> body) throws DirectoryException {
    T result = jdbi.inTransaction(body);
    membershipCommitted.run();
    return result;
  }
}
