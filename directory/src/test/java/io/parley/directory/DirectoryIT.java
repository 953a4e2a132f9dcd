package io.parley.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.auth.TokenService;
import io.parley.config.ConfigSource;
import io.parley.directory.db.DirectoryDatabase;
import io.parley.directory.devices.DeviceRegistry;
import io.parley.directory.groups.MembershipOutbox;
import io.parley.directory.groups.OutboxRow;
import io.parley.directory.local.LocalMariaDb;
import io.parley.directory.users.Passwords;
import io.parley.kafka.Topics;
import io.parley.schemas.DeviceRegistered;
import io.parley.schemas.DeviceRemoved;
import io.parley.schemas.MailboxCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The directory's rules and DAOs against a real MariaDB server. */
@Timeout(120)
class DirectoryIT {
  private static final String PASSWORD = "correct horse battery";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalMariaDb mariaDb;
  private static Path dir;
  private DirectoryDatabase database;
  private Directory directory;
  private DirectoryConfig config;
  private final TokenService tokens = TokenService.fromSecret("0123456789abcdef0123456789abcdef", Duration.ofHours(1));
  private final MockProducer<String, MailboxCommand> mailbox =
      new MockProducer<>(true, null, new StringSerializer(), Topics.withDefaults().mailbox().valueSerde().serializer());
  private final DeviceRegistry devices = new DeviceRegistry(mailbox, Topics.withDefaults().mailbox().name(), Clock.systemUTC());

  @BeforeAll
  static void startServer() throws Exception {
    dir = Files.createTempDirectory("directory-it");
    mariaDb = LocalMariaDb.start(dir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    mariaDb.close();
  }

  @BeforeEach
  void freshDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
    String url = mariaDb.database("directory_it_" + DATABASES.incrementAndGet());
    config = DirectoryConfig.from(ConfigSource.of(Map.of(
        "directory.jdbc.url", url, "directory.jdbc.user", "root", "directory.max.group.size", "5")));
    database = DirectoryDatabase.open(config);
    directory = new Directory(database.jdbi(), config, new Passwords(1024, 1), tokens, devices, Clock.systemUTC());
  }

  private List<OutboxRow> outbox() {
    return database.jdbi().withExtension(MembershipOutbox.class, o -> o.oldest(100));
  }

  private void users(String... ids) throws Exception {
    for (String id : ids) {
      directory.signUp(id, PASSWORD, null);
    }
  }

  private static void assertRefused(ThrowingCall call, int status, String code) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(DirectoryException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.code()).isEqualTo(code);
    });
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  // --- users ---

  @Test
  void shouldSignUpAndSignInWithATokenForTheDevice() throws Exception {
    directory.signUp("alice", PASSWORD, "Alice A.");

    Directory.Session session = directory.signIn("alice", PASSWORD, "phone");

    assertThat(tokens.verify(session.token()).user()).isEqualTo("alice");
    assertThat(tokens.verify(session.token()).device()).isEqualTo("phone");
    assertThat(session.user().displayName()).isEqualTo("Alice A.");
  }

  @Test
  void shouldRegisterTheDeviceWithTheUsersMailboxWhenItSignsIn() throws Exception {
    users("alice");

    directory.signIn("alice", PASSWORD, "tablet");

    assertThat(mailbox.history()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("alice");
      assertThat(r.value().getCommand()).isInstanceOfSatisfying(DeviceRegistered.class,
          c -> assertThat(c.getDevice()).isEqualTo("tablet"));
    });
  }

  @Test
  void shouldIssueNoTokenWhenTheMailboxCannotBeTold() throws Exception {
    users("alice");
    mailbox.sendException = new org.apache.kafka.common.errors.TimeoutException("no broker");

    assertThatThrownBy(() -> directory.signIn("alice", PASSWORD, "tablet")).isInstanceOf(DeviceRegistry.Unavailable.class);
  }

  @Test
  void shouldRegisterNothingForAWrongPasswordOrABadDevice() throws Exception {
    users("alice");

    assertRefused(() -> directory.signIn("alice", "wrong password!!", "phone"), 401, "unauthorized");
    assertRefused(() -> directory.signIn("alice", PASSWORD, "bad device!"), 400, "bad_request");

    assertThat(mailbox.history()).isEmpty();
  }

  @Test
  void shouldRemoveTheDeviceFromTheUsersMailboxWhenItSignsOut() throws Exception {
    directory.signOut("alice", "tablet");

    assertThat(mailbox.history()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("alice");
      assertThat(r.value().getCommand()).isInstanceOfSatisfying(DeviceRemoved.class,
          c -> assertThat(c.getDevice()).isEqualTo("tablet"));
    });
  }

  @Test
  void shouldRefuseATakenUsername() throws Exception {
    users("alice");
    assertRefused(() -> directory.signUp("alice", "another good password", "Impostor"), 409, "username_taken");
    assertThat(directory.profile("alice").orElseThrow().displayName()).isEqualTo("alice");
  }

  @Test
  void shouldRefuseWeakOrMissingPasswords() {
    assertRefused(() -> directory.signUp("bob", "short", null), 400, "weak_password");
    assertRefused(() -> directory.signUp("bob", null, null), 400, "weak_password");
    assertRefused(() -> directory.signUp("bob", "aaaaaaaaaaaaaaaa", null), 400, "weak_password");
    assertRefused(() -> directory.signUp("bob", "bob-is-my-password", null), 400, "weak_password");
    assertRefused(() -> directory.signUp("bob", "x".repeat(10) + "y".repeat(200), null), 400, "bad_request");
    assertThat(directory.userExists("bob")).isFalse();
  }

  @Test
  void shouldRefuseUsernamesOutsideTheirShape() {
    for (String name : List.of("Alice", "a", "al ice", "x".repeat(33), "robert'); drop table users;--", "", "émile")) {
      assertRefused(() -> directory.signUp(name, PASSWORD, null), 400, "invalid_username");
    }
  }

  @Test
  void shouldRefuseOverLongOrControlCharacterNamesAndWriteNothing() {
    assertRefused(() -> directory.signUp("carol", PASSWORD, "c".repeat(65)), 400, "bad_request");
    assertRefused(() -> directory.signUp("carol", PASSWORD, "line\nbreak"), 400, "bad_request");
    assertThat(directory.userExists("carol")).isFalse();
  }

  @Test
  void shouldStoreSqlMetacharactersVerbatim() throws Exception {
    String name = "Robert'); DROP TABLE users;-- \\ % _ \" `";
    directory.signUp("bobby", PASSWORD, name);
    directory.updateProfile("bobby", null, "' OR '1'='1", null);

    assertThat(directory.profile("bobby").orElseThrow().displayName()).isEqualTo(name);
    assertThat(directory.profile("bobby").orElseThrow().about()).isEqualTo("' OR '1'='1");
    assertThat(directory.userExists("bobby")).isTrue();
  }

  @Test
  void shouldAnswerWrongPasswordsAndUnknownUsersAlike() throws Exception {
    users("alice");
    assertRefused(() -> directory.signIn("alice", "wrong password!!", "phone"), 401, "unauthorized");
    assertRefused(() -> directory.signIn("nobody", "wrong password!!", "phone"), 401, "unauthorized");
    assertRefused(() -> directory.signIn("alice", PASSWORD, "bad device!"), 400, "bad_request");
  }

  @Test
  void shouldUpdateProfilesAndSeeTheChangeAtOnce() throws Exception {
    users("alice");
    directory.profile("alice");

    directory.updateProfile("alice", "Alice", "at work", "ab".repeat(32));

    assertThat(directory.profile("alice").orElseThrow())
        .extracting("displayName", "about", "avatar").containsExactly("Alice", "at work", "ab".repeat(32));
    assertRefused(() -> directory.updateProfile("alice", null, null, "not-a-hash"), 400, "bad_request");
    assertRefused(() -> directory.updateProfile("alice", null, "a".repeat(141), null), 400, "bad_request");
  }

  // --- groups ---

  @Test
  void shouldCreateAGroupWithTheCreatorAsAdminAndPublishItsMembers() throws Exception {
    users("alice", "bob", "carol");

    Directory.GroupView group = directory.createGroup("alice", "Friends", List.of("bob", "carol", "bob"));

    assertThat(group.members()).extracting("userId", "role")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alice", "admin"),
            org.assertj.core.groups.Tuple.tuple("bob", "member"),
            org.assertj.core.groups.Tuple.tuple("carol", "member"));
    assertThat(outbox()).singleElement().satisfies(row -> {
      assertThat(row.groupId()).isEqualTo(group.id());
      assertThat(row.version()).isEqualTo(1);
      assertThat(row.members()).isEqualTo("[\"alice\",\"bob\",\"carol\"]");
    });
  }

  @Test
  void shouldRefuseAGroupWithUnknownMembersAndWriteNothing() throws Exception {
    users("alice");
    assertRefused(() -> directory.createGroup("alice", "Ghosts", List.of("casper")), 404, "unknown_user");
    assertThat(directory.groupsOf("alice")).isEmpty();
    assertThat(outbox()).isEmpty();
  }

  @Test
  void shouldRefuseAGroupOverTheSizeLimit() throws Exception {
    users("u1", "u2", "u3", "u4", "u5", "u6");
    assertRefused(() -> directory.createGroup("u1", "Crowd", List.of("u2", "u3", "u4", "u5", "u6")), 400, "group_too_large");
    Directory.GroupView group = directory.createGroup("u1", "Five", List.of("u2", "u3", "u4", "u5"));
    assertRefused(() -> directory.addMember("u1", group.id(), "u6"), 400, "group_too_large");
    assertThat(outbox()).hasSize(1);
  }

  @Test
  void shouldLetOnlyAdminsManageMembers() throws Exception {
    users("alice", "bob", "carol");
    String group = directory.createGroup("alice", "Team", List.of("bob")).id();

    assertRefused(() -> directory.addMember("bob", group, "carol"), 403, "not_admin");
    assertRefused(() -> directory.removeMember("bob", group, "alice"), 403, "not_admin");
    assertRefused(() -> directory.addMember("carol", group, "carol"), 403, "not_member");
    assertRefused(() -> directory.addMember("alice", group, "bob"), 409, "already_member");
    assertRefused(() -> directory.addMember("alice", group, "nobody"), 404, "unknown_user");
    assertRefused(() -> directory.addMember("alice", "gnosuchgroup", "carol"), 404, "unknown_group");

    Directory.GroupView added = directory.addMember("alice", group, "carol");
    assertThat(added.version()).isEqualTo(2);
    assertThat(outbox()).extracting(OutboxRow::version).containsExactly(1L, 2L);
  }

  @Test
  void shouldLetAMemberLeaveAndPromoteSomeoneWhenTheLastAdminLeaves() throws Exception {
    users("alice", "bob", "carol");
    String group = directory.createGroup("alice", "Team", List.of("bob", "carol")).id();

    directory.removeMember("carol", group, "carol");
    Directory.GroupView afterAdminLeft = directory.removeMember("alice", group, "alice").orElseThrow();

    assertThat(afterAdminLeft.members()).extracting("userId", "role")
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", "admin"));
    assertThat(directory.removeMember("bob", group, "bob")).isEmpty();
    assertThat(directory.groupExists(group)).isFalse();
    OutboxRow last = outbox().get(outbox().size() - 1);
    assertThat(last.deleted()).isTrue();
    assertThat(outbox()).extracting(OutboxRow::version).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void shouldShowAGroupOnlyToItsMembers() throws Exception {
    users("alice", "bob", "eve");
    String group = directory.createGroup("alice", "Private", List.of("bob")).id();

    assertThat(directory.group("bob", group).members()).hasSize(2);
    assertRefused(() -> directory.group("eve", group), 403, "not_member");
    assertRefused(() -> directory.group("eve", "g'; select 1"), 404, "unknown_group");
  }

  @Test
  void shouldTellSinceWhenAUserIsAMemberCountingFromTheLatestJoin() throws Exception {
    users("alice", "bob", "eve");
    Directory early = at(1_000);
    Directory late = at(9_000);
    String group = early.createGroup("alice", "Team", List.of("bob")).id();
    early.removeMember("alice", group, "bob");
    late.addMember("alice", group, "bob");

    // fresh SendChecks each time: their answers are cached for seconds
    assertThat(new SendChecks(database.jdbi()).memberSince(group, "alice")).hasValue(1_000);
    assertThat(new SendChecks(database.jdbi()).memberSince(group, "bob")).hasValue(9_000);
    assertThat(new SendChecks(database.jdbi()).memberSince(group, "eve")).isEmpty();
    assertThat(new SendChecks(database.jdbi()).memberSince("g'; drop table group_members; --", "bob")).isEmpty();
    assertThat(new SendChecks(database.jdbi()).isMember(group, "bob")).isTrue();
  }

  private Directory at(long epochMillis) {
    return new Directory(database.jdbi(), config, new Passwords(1024, 1), tokens, devices,
        Clock.fixed(java.time.Instant.ofEpochMilli(epochMillis), java.time.ZoneOffset.UTC));
  }
}
