package io.parley.directory.users;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The users table. Every value is bound, never concatenated. */
@RegisterConstructorMapper(User.class)
public interface Users {

  @SqlUpdate("INSERT INTO users (id, password_hash, display_name, about, avatar_asset, created_at, updated_at) "
      + "VALUES (:id, :passwordHash, :displayName, :about, :avatarAsset, :createdAt, :updatedAt)")
  void insert(@BindMethods User user);

  @SqlBatch("INSERT INTO users (id, password_hash, display_name, about, avatar_asset, created_at, updated_at) "
      + "VALUES (:id, :passwordHash, :displayName, :about, :avatarAsset, :createdAt, :updatedAt)")
  void insertAll(@BindMethods List<User> users);

  @SqlQuery("SELECT id, password_hash, display_name, about, avatar_asset, created_at, updated_at FROM users WHERE id = ?")
  Optional<User> find(String id);

  @SqlQuery("SELECT id FROM users WHERE id IN (<ids>)")
  List<String> existing(@BindList("ids") Collection<String> ids);

  @SqlUpdate("UPDATE users SET display_name = :displayName, about = :about, avatar_asset = :avatarAsset, "
      + "updated_at = :updatedAt WHERE id = :id")
  int updateProfile(@BindMethods User user);
}
