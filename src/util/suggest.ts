// "Did you mean …?" for names, keys, audiences and scopes. Pure.

/** Levenshtein distance, early exit when it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` candidates close to `input`: a case-insensitive match first, then
 * the smallest edit distance within a third of the input's length (at least 2, at most 4:
 * past that a "suggestion" is another name, not a typo).
 */
export function nearest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = input.toLowerCase();
  const max = Math.max(2, Math.min(4, Math.floor(input.length / 3)));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    if (name === input) continue;
    const candidateLower = name.toLowerCase();
    let score: number;
    if (candidateLower === lower) score = 0;
    else if (candidateLower.includes(lower) || lower.includes(candidateLower)) score = 1;
    else score = editDistance(lower, candidateLower, max);
    if (score <= max) scored.push({ name, score });
  }
  // Among equals, the closest in length: `scopes` means `scope`, not `allow_all_scopes`, which also contains it.
  const gap = (name: string): number => Math.abs(name.length - input.length);
  scored.sort((x, y) => x.score - y.score || gap(x.name) - gap(y.name) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.name);
}
