package io.parley.directory.groups;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The membership_outbox table: written with each change, drained by {@link OutboxRelay}. */
@RegisterConstructorMapper(OutboxRow.class)
public interface MembershipOutbox {

  @SqlUpdate("INSERT INTO membership_outbox (group_id, version, members, deleted, created_at) "
      + "VALUES (:group, :version, :members, :deleted, :at)")
  void add(@Bind("group") String groupId, @Bind("version") long version, @Bind("members") String membersJson,
      @Bind("deleted") boolean deleted, @Bind("at") long at);

  @SqlQuery("SELECT seq, group_id, version, members, deleted, created_at FROM membership_outbox ORDER BY seq LIMIT ?")
  List<OutboxRow> oldest(int limit);

  @SqlUpdate("DELETE FROM membership_outbox WHERE seq <= ?")
  int deleteThrough(long seq);

  @SqlQuery("SELECT COUNT(*) FROM membership_outbox")
  long pending();

  /** MySQL's named lock: only one relay publishes at a time, however many directories run. */
  @SqlQuery("SELECT GET_LOCK(?, 0)")
  Integer tryLock(String name);

  @SqlQuery("SELECT RELEASE_LOCK(?)")
  Integer unlock(String name);
}
