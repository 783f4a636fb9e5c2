/**
 * Iterative JSON walk in document order: every string value and every object key, with its path
 * (`config.db[2].url`). No recursion, so nesting depth costs heap, not stack; `maxDepth` bounds it.
 */
import { classifyKey } from "./keyed.ts";
import type { KeyHint } from "./leaf.ts";

export interface Piece {
  readonly path: string;
  readonly value: string;
}

export interface WalkVisitor {
  /** A string value; returns nothing. */
  readonly value: (path: string, value: string, depth: number, hint: KeyHint | undefined) => void;
  /** An object key; returns true when the key itself holds a secret (its path is then redacted). */
  readonly key: (path: string, key: string) => boolean;
  /** The direct string values of one object or array, in order (for split-secret windows). */
  readonly group: (pieces: readonly Piece[], isArray: boolean) => void;
  /** Called when `maxDepth` cuts off a subtree. */
  readonly truncate: () => void;
}

interface Frame {
  readonly path: string;
  readonly depth: number;
  readonly isArray: boolean;
  readonly entries: readonly (readonly [string, unknown])[];
  readonly source: Readonly<Record<string, unknown>>;
  readonly pieces: Piece[];
  index: number;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

function childPath(
  parent: string,
  segment: string,
  isArray: boolean,
  redacted: boolean,
  index: number,
): string {
  if (isArray) return `${parent}[${index}]`;
  if (redacted) return `${parent}[key:${index}]`;
  if (PLAIN_KEY.test(segment)) return parent === "" ? segment : `${parent}.${segment}`;
  return `${parent}[${JSON.stringify(segment)}]`;
}

/** What an object says about one of its values: the key's credential kind, `{key, value}` pairs, JWK `d`. */
function hintFor(source: Readonly<Record<string, unknown>>, key: string): KeyHint | undefined {
  if (key === "d" && typeof source["kty"] === "string") return { jwk: true };
  const named = key === "value" ? source["key"] ?? source["name"] : undefined;
  const kind = classifyKey(typeof named === "string" ? named : key);
  return kind ? { kind } : undefined;
}

function frameOf(value: object, path: string, depth: number): Frame {
  const isArray = Array.isArray(value);
  const source = value as Readonly<Record<string, unknown>>;
  const entries = isArray ? value.map((v, i): [string, unknown] => [String(i), v]) : Object.entries(source);
  return { path, depth, isArray, entries, source, pieces: [], index: 0 };
}

function step(frame: Frame, visitor: WalkVisitor, stack: Frame[], maxDepth: number): void {
  const i = frame.index++;
  const [key, child] = frame.entries[i] ?? ["", undefined];
  const redacted = !frame.isArray && visitor.key(`${frame.path}[key:${i}]`, key);
  const path = childPath(frame.path, key, frame.isArray, redacted, i);
  if (typeof child === "string") {
    visitor.value(path, child, frame.depth + 1, frame.isArray ? undefined : hintFor(frame.source, key));
    frame.pieces.push({ path, value: child });
  } else if (child !== null && typeof child === "object") {
    if (frame.depth + 1 >= maxDepth) visitor.truncate();
    else stack.push(frameOf(child, path, frame.depth + 1));
  }
}

/** Walks `root` (any JSON value) depth-first in document order. */
export function walkJson(
  root: unknown,
  rootPath: string,
  rootDepth: number,
  maxDepth: number,
  visitor: WalkVisitor,
): void {
  if (typeof root === "string") return visitor.value(rootPath, root, rootDepth, undefined);
  if (root === null || typeof root !== "object") return;
  if (rootDepth >= maxDepth) return visitor.truncate();
  const stack: Frame[] = [frameOf(root, rootPath, rootDepth)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (!frame) break;
    if (frame.index < frame.entries.length) {
      step(frame, visitor, stack, maxDepth);
      continue;
    }
    stack.pop();
    if (frame.pieces.length >= 2) visitor.group(frame.pieces, frame.isArray);
  }
}
