package io.parley.directory.groups;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The chat_groups and group_members tables. */
@RegisterConstructorMapper(Group.class)
@RegisterConstructorMapper(Member.class)
public interface Groups {

  @SqlUpdate("INSERT INTO chat_groups (id, name, created_by, created_at, version, member_count) "
      + "VALUES (:id, :name, :createdBy, :createdAt, :version, :memberCount)")
  void insert(@BindMethods Group group);

  @SqlQuery("SELECT id, name, created_by, created_at, version, member_count FROM chat_groups WHERE id = ?")
  Optional<Group> find(String id);

  /** Locks the group row until the transaction ends, so membership changes of one group never interleave. */
  @SqlQuery("SELECT id, name, created_by, created_at, version, member_count FROM chat_groups WHERE id = ? FOR UPDATE")
  Optional<Group> lock(String id);

  @SqlUpdate("UPDATE chat_groups SET version = :version, member_count = :count WHERE id = :id")
  void setVersion(@Bind("id") String id, @Bind("version") long version, @Bind("count") int count);

  @SqlUpdate("DELETE FROM chat_groups WHERE id = ?")
  void delete(String id);

  @SqlBatch("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES (:groupId, :userId, :role, :joinedAt)")
  void addMembers(@BindMethods List<Member> members);

  @SqlUpdate("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")
  int removeMember(String groupId, String userId);

  @SqlUpdate("UPDATE group_members SET role = :role WHERE group_id = :group AND user_id = :user")
  void setRole(@Bind("group") String groupId, @Bind("user") String userId, @Bind("role") String role);

  @SqlQuery("SELECT group_id, user_id, role, joined_at FROM group_members WHERE group_id = ? ORDER BY joined_at, user_id")
  List<Member> members(String groupId);

  @SqlQuery("SELECT group_id, user_id, role, joined_at FROM group_members WHERE group_id = ? AND user_id = ?")
  Optional<Member> member(String groupId, String userId);

  /** The group's member-set version, if {@code userId} is a member (one read, so both belong to one snapshot). */
  /** True if the two users are members of one group (both in it now). */
  @SqlQuery("SELECT EXISTS (SELECT 1 FROM group_members a JOIN group_members b ON b.group_id = a.group_id "
      + "WHERE a.user_id = ? AND b.user_id = ?)")
  boolean shareAGroup(String userId, String otherUserId);

  @SqlQuery("SELECT g.version FROM chat_groups g JOIN group_members m ON m.group_id = g.id WHERE g.id = ? AND m.user_id = ?")
  Optional<Long> versionWithMember(String groupId, String userId);

  @SqlQuery("SELECT g.id, g.name, g.created_by, g.created_at, g.version, g.member_count FROM chat_groups g "
      + "JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.created_at, g.id")
  List<Group> groupsOf(String userId);
}
