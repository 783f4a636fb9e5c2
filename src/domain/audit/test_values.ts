/**
 * Random JSON-ish values for the audit encoders' equivalence tests: every kind JSON treats
 * specially (undefined, functions, symbols, -0, non-finite numbers, dates, holes, boxed values,
 * class instances, `__proto__` keys) and strings with NULs and lone surrogates.
 */

/** A small seeded generator (mulberry32), so a failure names a reproducible case. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "",
  "a",
  "é",
  "\n",
  '"',
  "\\",
  "\u2028",
  "\ud83d\ude00",
  "\u0001",
  "\u0000",
  "\ud800",
  "\udc00",
  "__proto__",
  "10",
  "2",
  "Z",
  "z",
];

const NUMBERS = [0, -0, 1.5, 1e21, -7, Number.NaN, Infinity, 2 ** 53, 5e-324];

class Point {
  constructor(readonly x: number, readonly y: string) {}
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function text(next: () => number): string {
  return Array.from({ length: Math.floor(next() * 4) }, () => pick(next, PIECES)).join("");
}

/** `holes`: arrays may have holes (JSON writes them as null). */
export function jsonish(next: () => number, options: { holes: boolean }, depth = 0): unknown {
  switch (Math.floor(next() * (depth > 3 ? 7 : 10))) {
    case 0:
      return text(next);
    case 1:
      return pick(next, NUMBERS);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return pick(next, [undefined, () => 1, Symbol("s")]);
    case 5:
      return new Date(Math.floor(next() * 2e12));
    case 6:
      return pick(next, [new Point(1, text(next)), new String(text(next)), new Number(-0), Object(false)]);
    case 7:
    case 8: {
      const out: Record<string, unknown> = next() < 0.2 ? Object.create(null) : {};
      for (let i = Math.floor(next() * 5); i > 0; i--) {
        Object.defineProperty(out, text(next), {
          value: jsonish(next, options, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return out;
    }
    default: {
      const out = Array.from({ length: Math.floor(next() * 4) }, () => jsonish(next, options, depth + 1));
      if (options.holes && next() < 0.2) out.length += 2;
      return out;
    }
  }
}
