import type { Brand, UserId } from "@shared/ids.ts";
import { parseUserId } from "@shared/ids.ts";

/**
 * Who owns a secret: a user, a department or the organisation. The canonical text form
 * (`user:<uuid>`, `department:<name>`, `org`) is what the database stores and what AADs bind, so
 * it may never contain `|`, the AAD field separator.
 */
export type VaultOwner =
  | { readonly kind: "user"; readonly userId: UserId }
  | { readonly kind: "department"; readonly name: string }
  | { readonly kind: "org" };

/** The canonical text form of a `VaultOwner`. */
export type OwnerKey = Brand<string, "OwnerKey">;

export type SecretName = Brand<string, "SecretName">;

const DEPARTMENT = /^[^|\p{Cc}]{1,128}$/u;
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const ORG_OWNER = "org" as OwnerKey;

export function ownerKey(owner: VaultOwner): OwnerKey {
  switch (owner.kind) {
    case "user":
      return `user:${owner.userId}` as OwnerKey;
    case "department":
      return `department:${owner.name}` as OwnerKey;
    case "org":
      return ORG_OWNER;
    default: {
      const never: never = owner;
      throw new Error(`unknown owner ${JSON.stringify(never)}`);
    }
  }
}

/** `org`, `user:<uuid>` or `department:<name>`; undefined for anything else. */
export function parseOwnerKey(text: string): OwnerKey | undefined {
  if (text === "org") return ORG_OWNER;
  if (text.startsWith("user:")) {
    const id = parseUserId(text.slice(5));
    return id === undefined ? undefined : ownerKey({ kind: "user", userId: id });
  }
  if (text.startsWith("department:")) {
    const name = text.slice(11);
    return isDepartmentName(name) ? ownerKey({ kind: "department", name }) : undefined;
  }
  return undefined;
}

export function isDepartmentName(name: string): boolean {
  return DEPARTMENT.test(name) && name.trim() === name;
}

/** Letters, digits, `.`, `_`, `-`; starts with a letter or digit; at most 128 characters. */
export function parseSecretName(text: string): SecretName | undefined {
  return SECRET_NAME.test(text) ? text as SecretName : undefined;
}

/** The owners a caller's `secret:<name>` is looked up in, most specific first. */
export function resolutionOrder(caller: {
  readonly userId: UserId | null;
  readonly department: string | null;
}): OwnerKey[] {
  const owners: OwnerKey[] = [];
  if (caller.userId !== null) owners.push(ownerKey({ kind: "user", userId: caller.userId }));
  if (caller.department !== null && isDepartmentName(caller.department)) {
    owners.push(ownerKey({ kind: "department", name: caller.department }));
  }
  owners.push(ORG_OWNER);
  return owners;
}
