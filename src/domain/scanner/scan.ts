/**
 * `scanJson` / `scanText`: the scanner's entry points. Walks the value, scans each string (and each
 * key), scans strings that are themselves JSON as JSON, and scans adjacent string values joined so
 * a key split across fields or argv elements is still caught. One finding per occurrence.
 */
import { fingerprinter, toFinding } from "./finding.ts";
import { type KeyHint, type LeafContext, type LeafHit, scanLeaf } from "./leaf.ts";
import { optionRules } from "./extra.ts";
import { RULE_INDEX } from "./rules.ts";
import { charTable, inTable } from "./runs.ts";
import type { Finding, ScanOptions, ScanResult } from "./types.ts";
import { type Piece, walkJson } from "./walk.ts";

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_DEPTH = 64;
const WINDOW_TAIL = 256;
const WINDOW_HEAD = 512;
const JOIN_LIMIT = 64 * 1024;
/** Shorter strings cannot hold a detectable secret on their own (keys: names, not values). */
const MIN_VALUE = 6;
const MIN_KEY = 12;
/** A split secret: the token ending one value plus the token starting the next is this long. */
const MIN_SPLIT = 16;
/** Characters of a token that may continue across values (`[\w+/=-]`). */
const JOIN_CHARS = charTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-");
const CREDENTIAL_HINT = /pass|pw|secret|token|key|auth|bearer|credential|-u|-p/i;

/** What a `Scanner` prepares once for its options (immutable apart from the lazily made `mac`). */
interface Compiled {
  readonly key: Uint8Array;
  /** HMAC-SHA-256 under `key`, made on the first finding (its pads hashed once per scanner). */
  mac: ((secret: string) => string) | undefined;
  readonly leaf: LeafContext;
  readonly window: LeafContext;
  readonly maxBytes: number;
  readonly maxDepth: number;
}

interface Scan {
  readonly compiled: Compiled;
  readonly leaf: LeafContext;
  readonly window: LeafContext;
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly findings: Finding[];
  /** Places already reported; made on the first finding (most scans find nothing). */
  seen: Set<string> | undefined;
  bytes: number;
  hidden: boolean;
  truncated: boolean;
}

function compile(options: ScanOptions): Compiled {
  const known = optionRules(options);
  return {
    key: options.fingerprintKey,
    mac: undefined,
    leaf: { index: RULE_INDEX, extraRules: known, decode: true },
    window: { index: RULE_INDEX, extraRules: known, decode: false },
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
}

function createScan(compiled: Compiled): Scan {
  return {
    compiled,
    leaf: compiled.leaf,
    window: compiled.window,
    maxBytes: compiled.maxBytes,
    maxDepth: compiled.maxDepth,
    findings: [],
    seen: undefined,
    bytes: 0,
    hidden: false,
    truncated: false,
  };
}

/**
 * One finding per occurrence: the same place found twice (by two passes) is kept once, the same
 * secret in two places is reported twice, so callers can redact every span from the findings.
 */
function add(scan: Scan, hit: LeafHit, asSent: string, path: string): void {
  const place = `${path}\u0000${hit.start}\u0000${hit.secret}`; // same secret ⇔ same fingerprint
  scan.seen ??= new Set();
  if (scan.seen.has(place)) return;
  scan.seen.add(place);
  scan.findings.push(toFinding(hit, asSent, path, fingerprintOf(scan, hit.secret)));
}

/** HMAC under the scanner's key (its pads hashed on the first finding, once per scanner). */
function fingerprintOf(scan: Scan, secret: string): string {
  scan.compiled.mac ??= fingerprinter(scan.compiled.key);
  return scan.compiled.mac(secret);
}

/** A finding already covers part of `[start, end)` of the string at `path` (its own scan won). */
function overlapsFinding(scan: Scan, path: string, start: number, end: number): boolean {
  return scan.findings.some((f) => f.path === path && f.start < end && start < f.end);
}

/** Takes what the byte budget still allows of `value`; marks the scan truncated when cut. */
function charge(scan: Scan, value: string): string {
  const room = scan.maxBytes - scan.bytes;
  const text = value.length > room ? value.slice(0, Math.max(0, room)) : value;
  if (text.length < value.length) scan.truncated = true;
  scan.bytes += text.length;
  return text;
}

function scanString(scan: Scan, value: string, path: string, depth: number, hint?: KeyHint): number {
  if (value.length < MIN_VALUE && hint === undefined) return 0;
  const embedded = parseEmbeddedJson(value);
  if (embedded !== undefined) {
    const before = scan.findings.length;
    walk(scan, embedded, path, depth + 1);
    return scan.findings.length - before;
  }
  const text = charge(scan, value);
  if (text === "") return 0;
  const result = scanLeaf(text, scan.leaf, hint);
  scan.hidden ||= result.hidden;
  for (const h of result.hits) add(scan, h, text.slice(h.start, h.end), path);
  return result.hits.length;
}

/** The last character other than JSON whitespace is `]` or `}` (else `JSON.parse` would fail). */
function endsLikeJson(value: string): boolean {
  let i = value.length - 1;
  for (let c = value.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = value.charCodeAt(--i));
  const last = value.charCodeAt(i);
  return last === 93 || last === 125;
}

/** A string that is itself a JSON object or array (agents write JSON files) is walked as JSON. */
function parseEmbeddedJson(value: string): object | undefined {
  if (!/^\s*[[{]/.test(value) || !endsLikeJson(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Start of the run of `member` characters ending `text` (backwards: no regex retried per position). */
function runBefore(text: string, member: (c: number) => boolean): number {
  let i = text.length;
  while (i > 0 && member(text.charCodeAt(i - 1))) i--;
  return i;
}

function runAfter(text: string, member: (c: number) => boolean): number {
  let i = 0;
  while (i < text.length && member(text.charCodeAt(i))) i++;
  return i;
}

/** Not `\s`, `"` or `'` (as `[^\s"']`). */
const notQuoteOrSpace = (c: number): boolean =>
  c < 128 ? c !== 32 && c !== 34 && c !== 39 && (c < 9 || c > 13) : !/\s/.test(String.fromCharCode(c));

/** Windows across adjacent values: the tail of one, the whole next one (and a third if needed). */
function scanSplitPieces(scan: Scan, pieces: readonly Piece[]): void {
  for (let i = 0; i + 1 < pieces.length; i++) {
    const a = pieces[i]?.value ?? "";
    const b = pieces[i + 1]?.value ?? "";
    const tailToken = a.length - runBefore(a, (c) => inTable(JOIN_CHARS, c));
    const headToken = runAfter(b, (c) => inTable(JOIN_CHARS, c));
    if (tailToken === 0 || headToken === 0 || tailToken + headToken < MIN_SPLIT) continue;
    const cut = Math.max(a.length - WINDOW_TAIL, runBefore(a, notQuoteOrSpace));
    const tail = a.slice(cut);
    const third = headToken === b.length ? (pieces[i + 2]?.value ?? "").slice(0, WINDOW_HEAD) : "";
    const window = tail + b.slice(0, WINDOW_HEAD) + third;
    const [pathA, pathB] = [pieces[i]?.path ?? "", pieces[i + 1]?.path ?? ""];
    for (const h of scanLeaf(window, scan.window).hits) {
      if (h.start >= tail.length || h.end <= tail.length) continue;
      const inB = Math.min(b.length, h.end - tail.length);
      if (overlapsFinding(scan, pathA, cut + h.start, a.length) || overlapsFinding(scan, pathB, 0, inB)) {
        continue;
      }
      add(scan, { ...h, start: cut + h.start, end: a.length }, window.slice(h.start, h.end), pathA);
    }
  }
}

/**
 * argv-style arrays: elements joined with spaces (`["mysql", "-p", "…"]`). A hit may lie inside one
 * element (its context came from the others); hits the element's own scan made are deduplicated.
 */
function scanJoinedArgs(scan: Scan, pieces: readonly Piece[]): void {
  const starts: number[] = [];
  const parts: string[] = [];
  let length = 0;
  for (const p of pieces) {
    if (length + p.value.length > JOIN_LIMIT) break;
    starts.push(length);
    parts.push(p.value);
    length += p.value.length + 1;
  }
  const joined = parts.join(" ");
  if (!CREDENTIAL_HINT.test(joined)) return;
  for (const h of scanLeaf(joined, scan.window).hits) {
    const j = starts.findLastIndex((s) => s <= h.start);
    const piece = pieces[j];
    const offset = starts[j] ?? 0;
    if (!piece) continue;
    const end = Math.min(piece.value.length, h.end - offset);
    const start = h.start - offset;
    if (overlapsFinding(scan, piece.path, start, end)) continue;
    add(scan, { ...h, start, end }, joined.slice(h.start, h.end), piece.path);
  }
}

function walk(scan: Scan, root: unknown, path: string, depth: number): void {
  walkJson(root, path, depth, scan.maxDepth, {
    value: (p, v, d, hint) => void scanString(scan, v, p, d, hint),
    key: (p, k) => k.length >= MIN_KEY && scanString(scan, k, p, depth) > 0,
    group: (pieces, isArray) => {
      scanSplitPieces(scan, pieces);
      if (isArray) scanJoinedArgs(scan, pieces);
    },
    truncate: () => void (scan.truncated = true),
  });
}

function result(scan: Scan): ScanResult {
  const base = { findings: scan.findings, hiddenCharacters: scan.hidden };
  return scan.truncated ? { ...base, truncated: true } : base;
}

/** A scanner bound to one `ScanOptions` (extra rules compiled, fingerprint key prepared once). */
export interface Scanner {
  /** Scans every string leaf and key of a JSON value; paths are relative to the value (`a.b[0]`). */
  scanJson(value: unknown): ScanResult;
  /** Scans a text (a prompt, a file body); findings carry `path`. JSON texts are also walked. */
  scanText(text: string, path: string): ScanResult;
}

export function createScanner(options: ScanOptions): Scanner {
  const compiled = compile(options);
  return {
    scanJson: (value) => {
      const scan = createScan(compiled);
      walk(scan, value, "", 0);
      return result(scan);
    },
    scanText: (text, path) => {
      const scan = createScan(compiled);
      scanString(scan, text, path, 0);
      return result(scan);
    },
  };
}

/** Scanners of the options objects in use (a deployment passes the same object call after call). */
const scanners = new WeakMap<ScanOptions, Scanner>();

function scannerFor(options: ScanOptions): Scanner {
  let scanner = scanners.get(options);
  if (!scanner) scanners.set(options, scanner = createScanner(options));
  return scanner;
}

/** `createScanner(options).scanJson(value)`, the scanner kept for as long as `options` lives. */
export function scanJson(value: unknown, options: ScanOptions): ScanResult {
  return scannerFor(options).scanJson(value);
}

/** `createScanner(options).scanText(text, path)`, likewise. */
export function scanText(text: string, path: string, options: ScanOptions): ScanResult {
  return scannerFor(options).scanText(text, path);
}
