import insertUserSql from "@sql/queries/identity/insert_user.sql" with { type: "text" };
import findByEmailSql from "@sql/queries/identity/find_user_by_email.sql" with { type: "text" };
import findFirstAdminSql from "@sql/queries/identity/find_first_admin.sql" with { type: "text" };
import findByIdSql from "@sql/queries/identity/find_user_by_id.sql" with { type: "text" };
import listUsersSql from "@sql/queries/identity/list_users.sql" with { type: "text" };
import searchUsersSql from "@sql/queries/identity/search_users.sql" with { type: "text" };
import addRoleSql from "@sql/queries/identity/add_user_role.sql" with { type: "text" };
import removeRoleSql from "@sql/queries/identity/remove_user_role.sql" with { type: "text" };
import setStatusSql from "@sql/queries/identity/set_user_status.sql" with { type: "text" };
import insertSessionSql from "@sql/queries/identity/insert_session.sql" with { type: "text" };
import findSessionSql from "@sql/queries/identity/find_session.sql" with { type: "text" };
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

/** What authentication needs to know about a session row. */
export interface SessionState {
  readonly id: SessionId;
  readonly userId: UserId;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface UserRepo {
  /** Inserts unless a user with the same email (case-insensitive) exists; returns the new user or undefined. */
  insert(user: NewUser): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  findById(id: UserId): Promise<User | undefined>;
  findFirstAdmin(): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** Case-insensitive substring of email, name or department. */
  search(text: string): Promise<User[]>;
  addRole(id: UserId, role: string, at: Date): Promise<User | undefined>;
  removeRole(id: UserId, role: string, at: Date): Promise<User | undefined>;
  setStatus(id: UserId, status: UserStatus, at: Date): Promise<User | undefined>;
  insertSession(session: NewSession): Promise<void>;
  findSession(id: SessionId): Promise<SessionState | undefined>;
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

interface SessionRow {
  id: string;
  user_id: string;
  expires_at: Date;
  revoked_at: Date | null;
}

export function createUserRepo(db: Queryable): UserRepo {
  const one = async (sql: string, params: (string | Date | readonly string[] | null)[] = []) => {
    const row = await db.maybeOne<UserRow>(sql, params);
    return row && decodeUser(row);
  };
  return {
    insert: (u) => one(insertUserSql, [u.id, u.name, u.email, u.roles, u.department, u.createdAt]),
    findByEmail: (email) => one(findByEmailSql, [email]),
    findById: (id) => one(findByIdSql, [id]),
    findFirstAdmin: () => one(findFirstAdminSql),
    list: async () => (await db.many<UserRow>(listUsersSql)).map(decodeUser),
    search: async (text) => (await db.many<UserRow>(searchUsersSql, [likePattern(text)])).map(decodeUser),
    addRole: (id, role, at) => one(addRoleSql, [id, role, at]),
    removeRole: (id, role, at) => one(removeRoleSql, [id, role, at]),
    setStatus: (id, status, at) => one(setStatusSql, [id, status, at]),
    insertSession: async (s) => {
      await db.query(insertSessionSql, [s.id, s.userId, s.clientId, s.kind, s.createdAt, s.expiresAt]);
    },
    findSession: async (id) => {
      const row = await db.maybeOne<SessionRow>(findSessionSql, [id]);
      return row && {
        id: row.id as SessionId,
        userId: row.user_id as UserId,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
      };
    },
  };
}

/** `%text%` with LIKE's wildcards in the text taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
