import insertUserSql from "@sql/queries/identity/insert_user.sql" with { type: "text" };
import findByEmailSql from "@sql/queries/identity/find_user_by_email.sql" with { type: "text" };
import findFirstAdminSql from "@sql/queries/identity/find_first_admin.sql" with { type: "text" };
import findByIdSql from "@sql/queries/identity/find_user_by_id.sql" with { type: "text" };
import insertSessionSql from "@sql/queries/identity/insert_session.sql" with { type: "text" };
import findSessionSql from "@sql/queries/identity/find_active_session.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { SessionId, UserId } from "@shared/ids.ts";
import type { User, UserStatus } from "./user.ts";

export interface NewUser {
  readonly id: UserId;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly department: string | null;
  readonly createdAt: Date;
}

export interface NewSession {
  readonly id: SessionId;
  readonly userId: UserId;
  readonly clientId: string;
  readonly kind: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface UserRepo {
  /** Inserts unless a user with the same email (case-insensitive) exists; returns the new user or undefined. */
  insert(user: NewUser): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  findById(id: UserId): Promise<User | undefined>;
  findFirstAdmin(): Promise<User | undefined>;
  insertSession(session: NewSession): Promise<void>;
  isSessionActive(id: SessionId, at: Date): Promise<boolean>;
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  roles: string[];
  department: string | null;
  status: string;
  created_at: Date;
}

export function createUserRepo(db: Queryable): UserRepo {
  return {
    insert: async (u) => {
      const row = await db.maybeOne<UserRow>(insertUserSql, [
        u.id,
        u.name,
        u.email,
        u.roles,
        u.department,
        u.createdAt,
      ]);
      return row && decodeUser(row);
    },
    findByEmail: async (email) => {
      const row = await db.maybeOne<UserRow>(findByEmailSql, [email]);
      return row && decodeUser(row);
    },
    findById: async (id) => {
      const row = await db.maybeOne<UserRow>(findByIdSql, [id]);
      return row && decodeUser(row);
    },
    findFirstAdmin: async () => {
      const row = await db.maybeOne<UserRow>(findFirstAdminSql);
      return row && decodeUser(row);
    },
    insertSession: async (s) => {
      await db.query(insertSessionSql, [s.id, s.userId, s.clientId, s.kind, s.createdAt, s.expiresAt]);
    },
    isSessionActive: async (id, at) => (await db.maybeOne(findSessionSql, [id, at])) !== undefined,
  };
}

function decodeUser(row: UserRow): User {
  return {
    id: row.id as UserId,
    name: row.name,
    email: row.email,
    roles: row.roles,
    department: row.department,
    status: row.status as UserStatus,
    createdAt: row.created_at,
  };
}
