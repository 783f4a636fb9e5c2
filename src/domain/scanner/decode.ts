/**
 * Bounded decode pass: JSON/JS escapes, percent-encoding and HTML entities (whole-string, with an
 * offset map), base64/base64url runs ≥ 16 chars and hex runs ≥ 32 chars (mapped to their run).
 * Recursion ≤ 2 levels; decoded characters per leaf ≤ 4× the leaf's length. No exceptions on the
 * hot path: binary garbage is rejected byte by byte as it is decoded.
 */
import { decodeBase64, decodeHex } from "./bytes.ts";
import { mapSpan } from "./offsets.ts";
import { BASE64_CHARS } from "./runs.ts";

export interface View {
  readonly text: string;
  /** Maps `[start, end)` of this view to `[start, end)` of the original leaf. */
  readonly map: (start: number, end: number) => readonly [number, number];
  readonly depth: number;
}

export interface Budget {
  remaining: number;
}

const MAX_DEPTH = 2;
const MAX_SEGMENTS = 64;

/** A decoded string plus, per replaced region, where it came from (`outStart` ascending). */
interface Mapped {
  readonly text: string;
  /** Flat triples: output start, input start, input end of each replacement. */
  readonly regions: readonly number[];
}

const NAMED: Readonly<Record<string, string>> = {
  quot: '"',
  amp: "&",
  lt: "<",
  gt: ">",
  apos: "'",
  nbsp: " ",
  sol: "/",
  colon: ":",
  equals: "=",
  lpar: "(",
  rpar: ")",
  num: "#",
  dollar: "$",
  percnt: "%",
  period: ".",
  comma: ",",
  lowbar: "_",
  hyphen: "-",
  plus: "+",
};

function replaceMapped(
  text: string,
  re: RegExp,
  decodeOne: (m: RegExpExecArray) => string | undefined,
): Mapped {
  const parts: string[] = [];
  const regions: number[] = [];
  let last = 0;
  let outLength = 0;
  for (const m of text.matchAll(re)) {
    const decoded = decodeOne(m);
    if (decoded === undefined) continue;
    parts.push(text.slice(last, m.index));
    outLength += m.index - last;
    regions.push(outLength, m.index, m.index + m[0].length);
    parts.push(decoded);
    outLength += decoded.length;
    regions.push(outLength, m.index + m[0].length, -1);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return { text: parts.join(""), regions };
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  '"': '"',
  "'": "'",
  "\\": "\\",
  "/": "/",
};

interface Decoder {
  /** The character every match of `pattern` starts with (found by `indexOf`, then matched there). */
  readonly marker: string;
  readonly pattern: RegExp;
  readonly decode: (m: RegExpExecArray) => string | undefined;
}

const DECODERS: readonly Decoder[] = [
  {
    marker: "\\",
    pattern: /\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(["'\\tr]))/g,
    decode: (m) => {
      const hex = m[1] ?? m[2];
      return hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : ESCAPES[m[3] ?? ""];
    },
  },
  {
    marker: "%",
    pattern: /(?:%[0-9a-fA-F]{2})+/g,
    decode: (m) =>
      new TextDecoder().decode(Uint8Array.from(m[0].slice(1).split("%"), (h) => parseInt(h, 16))),
  },
  {
    marker: "&",
    pattern: /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g,
    decode: (m) => {
      const code = m[1] !== undefined
        ? parseInt(m[1], 10)
        : m[2] !== undefined
        ? parseInt(m[2], 16)
        : undefined;
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
      return NAMED[(m[3] ?? "").toLowerCase()];
    },
  },
];

/** Context kept around a cluster of escapes; escapes closer than this share one window. */
const CONTEXT = 160;

/**
 * Decodes `decoder` inside windows around clusters of its escapes (a large text with a few escapes
 * is not copied whole). Each window becomes its own view.
 */
function escapeWindows(parent: View, decoder: Decoder): readonly View[] {
  const text = parent.text;
  if (!text.includes(decoder.marker)) return NO_VIEWS;
  const views: View[] = [];
  let from = -1;
  let to = -1;
  const flush = (): void => {
    if (from < 0) return;
    const start = Math.max(0, from - CONTEXT);
    const window = text.slice(start, Math.min(text.length, to + CONTEXT));
    const mapped = replaceMapped(window, new RegExp(decoder.pattern), decoder.decode);
    if (mapped.text !== window) views.push(child(parent, mapped, start));
  };
  // Every match starts with the marker: try the pattern only there (the text is not searched by regex).
  const at = new RegExp(decoder.pattern.source, "y");
  for (let i = text.indexOf(decoder.marker); i !== -1; i = text.indexOf(decoder.marker, i)) {
    at.lastIndex = i;
    const m = at.exec(text);
    if (!m) {
      i++;
      continue;
    }
    if (from >= 0 && i - to > CONTEXT) flush(), (from = -1);
    if (from < 0) from = i;
    to = i + m[0].length;
    i = to;
  }
  flush();
  return views;
}

interface Segment {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const isBase64Code = (c: number): boolean => c < 128 && BASE64_CHARS[c] === 1;
const MIN_RUN = 16;

/** The run `nextRun` found: `[start, end)`, and where the search goes on. */
const found64 = { start: 0, end: 0, next: 0 };

/**
 * The next maximal base64/hex run of at least 16 characters (plus up to two `=`) from `from` on, into
 * `found64`; false when there is none. Probes every 16th character (such a run covers a probe) and
 * walks only the runs the probes land in. (A function over one reused record, not a generator:
 * it runs for every string scanned, and most have no run.)
 */
function nextRun(text: string, from: number): boolean {
  for (let i = from; i < text.length;) {
    // A run of ≥ 16 around i also holds i - 8 or i + 7: most short identifiers end here, unwalked.
    if (
      !isBase64Code(text.charCodeAt(i)) ||
      !(isBase64Code(text.charCodeAt(i - 8)) || isBase64Code(text.charCodeAt(i + 7)))
    ) {
      i += MIN_RUN;
      continue;
    }
    let start = i;
    while (start > 0 && isBase64Code(text.charCodeAt(start - 1))) start--;
    let stop = i + 1;
    while (stop < text.length && isBase64Code(text.charCodeAt(stop))) stop++;
    i = stop + MIN_RUN;
    if (stop - start < MIN_RUN) continue;
    let end = stop;
    while (end < text.length && end - stop < 2 && text.charCodeAt(end) === 61) end++;
    found64.start = start;
    found64.end = end;
    found64.next = i;
    return true;
  }
  return false;
}

/** Whether `text[start, end)` has a digit, `+`, `/` or `=` (words and identifiers have none). */
function hasEncodingMark(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61) return true;
  }
  return false;
}

function segments(text: string): readonly Segment[] {
  let found: Segment[] | undefined;
  let tried = 0;
  for (let from = MIN_RUN - 1; nextRun(text, from); from = found64.next) {
    const { start, end } = found64;
    if (tried++ >= MAX_SEGMENTS * 4 || (found?.length ?? 0) >= MAX_SEGMENTS) break;
    if (!hasEncodingMark(text, start, end)) continue;
    const run = text.slice(start, end);
    const hex = run.length >= 32 && /^(?:[0-9a-fA-F]{2})+$/.test(run);
    const decoded = hex ? decodeHex(run) : decodeBase64(run);
    if (decoded !== undefined) (found ??= []).push({ text: decoded, start, end });
  }
  return found ?? NO_SEGMENTS;
}

function child(parent: View, mapped: Mapped, offset: number): View {
  const { regions } = mapped;
  return {
    text: mapped.text,
    depth: parent.depth + 1,
    map: (s, e) => {
      const [start, end] = mapSpan(regions, s, e);
      return parent.map(offset + start, offset + end);
    },
  };
}

/** Every decoded view below `view` (not including it), within the depth and size bounds. */
export function decodedViews(view: View, budget: Budget): readonly View[] {
  if (view.depth >= MAX_DEPTH) return NO_VIEWS;
  // Index loops and a list made only when something decodes: this runs for every string scanned.
  let direct: View[] | undefined;
  for (let d = 0; d < DECODERS.length; d++) {
    const windows = escapeWindows(view, DECODERS[d]!);
    for (let w = 0; w < windows.length; w++) {
      const decoded = windows[w]!;
      if (decoded.text.length > budget.remaining) break;
      budget.remaining -= decoded.text.length;
      (direct ??= []).push(decoded);
    }
  }
  const segs = segments(view.text);
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    if (seg.text.length > budget.remaining) break;
    budget.remaining -= seg.text.length;
    (direct ??= []).push({ text: seg.text, depth: view.depth + 1, map: () => view.map(seg.start, seg.end) });
  }
  return direct === undefined ? NO_VIEWS : direct.flatMap((v) => [v, ...decodedViews(v, budget)]);
}

/** Shared empty results (never written to). */
const NO_VIEWS: readonly View[] = [];
const NO_SEGMENTS: readonly Segment[] = [];
