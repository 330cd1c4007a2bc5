/** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/**
 * The candidate a mistyped name most likely meant, or undefined when none is close. A scoped candidate
 * (`scope/name`) also matches on its name alone, so `go-no-go` suggests `neurogym/go-no-go`.
 */
export function closestName(wanted: string, candidates: Iterable<string>): string | undefined {
  const needle = wanted.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const bare = candidate.slice(candidate.indexOf('/') + 1);
    const distance = Math.min(editDistance(needle, candidate), editDistance(needle, bare));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(needle.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/**
 * What molap says about a name a user typed that is not one of `known`: `unknown <what> "<name>"`, then
 * `. Did you mean "<closest>"?` when one is close (`closestName`). One text for commands, presets, models,
 * strategies and perturbations; the caller adds the hint that lists the known names. (Unknown config keys
 * show their dotted path but are matched on the bare key, so they build their own text.)
 */
export function unknownNameProblem(what: string, name: string, known: Iterable<string>): string {
  const guess = closestName(name, known);
  return `unknown ${what} "${name}"${guess === undefined ? '' : `. Did you mean "${guess}"?`}`;
}
