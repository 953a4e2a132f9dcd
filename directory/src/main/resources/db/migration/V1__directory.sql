-- Users, groups and the membership outbox. utf8mb4_bin: ids compare exactly; names keep any emoji.

CREATE TABLE users (
  id            VARCHAR(32)  NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  display_name  VARCHAR(64)  NOT NULL,
  about         VARCHAR(140) NOT NULL DEFAULT '',
  avatar_asset  CHAR(64)     NULL,
  created_at    BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- "groups" is a reserved word in MySQL 8.
CREATE TABLE chat_groups (
  id           VARCHAR(41)  NOT NULL,
  name         VARCHAR(100) NOT NULL,
  created_by   VARCHAR(32)  NOT NULL,
  created_at   BIGINT       NOT NULL,
  version      BIGINT       NOT NULL,
  member_count INT          NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE group_members (
  group_id  VARCHAR(41) NOT NULL,
  user_id   VARCHAR(32) NOT NULL,
  role      VARCHAR(8)  NOT NULL,
  joined_at BIGINT      NOT NULL,
  PRIMARY KEY (group_id, user_id),
  KEY group_members_by_user (user_id, group_id),
  CONSTRAINT group_members_group FOREIGN KEY (group_id) REFERENCES chat_groups (id) ON DELETE CASCADE,
  CONSTRAINT group_members_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Written in the same transaction as every membership change; the relay publishes each row to the
-- group-members topic and then deletes it.
CREATE TABLE membership_outbox (
  seq        BIGINT      NOT NULL AUTO_INCREMENT,
  group_id   VARCHAR(41) NOT NULL,
  version    BIGINT      NOT NULL,
  members    MEDIUMTEXT  NOT NULL,
  deleted    BOOLEAN     NOT NULL DEFAULT FALSE,
  created_at BIGINT      NOT NULL,
  PRIMARY KEY (seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
