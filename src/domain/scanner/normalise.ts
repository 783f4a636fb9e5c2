/**
 * Normalisation on a copy: NFKC, hidden characters removed (zero-width, bidi controls, soft hyphen,
 * tag characters, variation selectors), ANSI escape sequences removed, and common confusables
 * (Cyrillic/Greek look-alikes, typographic dashes) folded to ASCII so prefixes like `sk-ant-` match.
 * ASCII runs are copied in bulk; the offset map (see `offsets.ts`) leads back to the original.
 */

export interface Normalised {
  readonly text: string;
  /** Offset regions (`offsets.ts`); `undefined` when the text is unchanged. */
  readonly regions: readonly number[] | undefined;
  readonly hidden: boolean;
}

const CONFUSABLE_PAIRS =
  "аaвbеeкkмmнhоoрpсcтtуyхxѕsіiјjһhԁdԛqԝwӏlАAВBЕEКKМMНHОOРPСCТTУYХXЅSІIЈJԌGαaνvοoρpτtυuχxΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXıi‐-‑-‒-–-—-−-﹣-";

function pairs(list: string): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list.charCodeAt(i), list[i + 1] ?? "");
  return map;
}

const CONFUSABLES = pairs(CONFUSABLE_PAIRS);

export function isHiddenCodePoint(cp: number): boolean {
  return cp === 0xad || cp === 0x34f || cp === 0x61c || cp === 0x115f || cp === 0x1160 || cp === 0x17b4 ||
    cp === 0x17b5 || (cp >= 0x180b && cp <= 0x180e) || (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff || cp === 0xffa0 || (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x1bca0 && cp <= 0x1bca3);
}

// deno-lint-ignore no-control-regex -- the point is to find ESC (0x1b) and non-ASCII characters
const NEEDS_WORK = /[^\x00-\x1a\x1c-\x7f]/;

/** Compatibility fold of one non-ASCII code point. */
function fold(cp: number, ch: string): string {
  const direct = CONFUSABLES.get(cp);
  if (direct !== undefined) return direct;
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0);
  if ((cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x4e00 && cp <= 0x9fff)) return ch;
  const nfkc = ch.normalize("NFKC");
  return nfkc.length === 1 ? CONFUSABLES.get(nfkc.charCodeAt(0)) ?? nfkc : nfkc;
}

/** Length of an ANSI CSI sequence (`ESC [ … final`) starting at `i`, or 0. */
function ansiLength(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x1b || text[i + 1] !== "[") return 0;
  for (let j = i + 2; j < text.length && j - i < 32; j++) {
    const c = text.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) return j - i + 1;
  }
  return 0;
}

interface Builder {
  readonly parts: string[];
  readonly regions: number[];
  out: number;
}

function copy(b: Builder, original: string, from: number, to: number): void {
  if (to <= from) return;
  b.regions.push(b.out, from, -1);
  b.parts.push(original.slice(from, to));
  b.out += to - from;
}

export function normalise(original: string): Normalised {
  if (!NEEDS_WORK.test(original)) return { text: original, regions: undefined, hidden: false };
  const b: Builder = { parts: [], regions: [], out: 0 };
  let hidden = false;
  let copyFrom = 0;
  for (let i = 0; i < original.length;) {
    const c = original.charCodeAt(i);
    if (c < 0x80 && c !== 0x1b) {
      i++;
      continue;
    }
    copy(b, original, copyFrom, i);
    const cp = original.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    const ansi = ansiLength(original, i);
    if (ansi > 0 || isHiddenCodePoint(cp) || c === 0x1b) hidden ||= ansi === 0 && c !== 0x1b;
    else {
      const folded = fold(cp, original.slice(i, i + width));
      b.regions.push(b.out, i, i + width);
      b.parts.push(folded);
      b.out += folded.length;
    }
    i += ansi || width;
    copyFrom = i;
  }
  copy(b, original, copyFrom, original.length);
  return { text: b.parts.join(""), regions: b.regions, hidden };
}
