/** Damerau-free Levenshtein distance; inputs here are short keys and ids. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `input`, best first; only those close enough to be a plausible typo. */
export function closest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const needle = input.toLowerCase();
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    let score = editDistance(needle, hay);
    // Case-only differences are the likeliest typo of all.
    if (hay === needle) score = 0;
    const allowed = Math.max(2, Math.floor(Math.max(needle.length, hay.length) / 3));
    if (score <= allowed) scored.push({ candidate, score });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  // Only the best matches: "custom.b" for "custom.bb", not also every other one-or-two-edit neighbour.
  const best = scored[0]?.score;
  return scored.filter((s) => s.score === best).slice(0, limit).map((s) => s.candidate);
}

export function didYouMean(input: string, candidates: Iterable<string>): string {
  const best = closest(input, candidates);
  if (best.length === 0) return '';
  return ` Did you mean ${best.map((c) => `"${c}"`).join(' or ')}?`;
}
