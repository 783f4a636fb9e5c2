/**
 * Offset maps from a transformed string (normalised or decoded) back to its source. A map is a flat
 * list of regions `outStart, inStart, inEnd`, ascending by `outStart`: `inEnd = -1` marks text copied
 * verbatim from `inStart`; otherwise the region's output came from the whole input span.
 */

/** The input span of output character `pos`. Output before the first region is copied verbatim. */
export function locate(regions: readonly number[], pos: number): readonly [number, number] {
  let lo = 0;
  let hi = regions.length / 3 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((regions[mid * 3] ?? 0) <= pos) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found === -1) return [pos, pos + 1];
  const outStart = regions[found * 3] ?? 0;
  const inStart = regions[found * 3 + 1] ?? 0;
  const inEnd = regions[found * 3 + 2] ?? -1;
  if (inEnd !== -1) return [inStart, inEnd];
  const at = inStart + (pos - outStart);
  return [at, at + 1];
}

/** `[start, end)` of the output mapped to the input (an empty span maps to a point). */
export function mapSpan(regions: readonly number[], start: number, end: number): readonly [number, number] {
  const first = locate(regions, start);
  return [first[0], end > start ? locate(regions, end - 1)[1] : first[0]];
}
