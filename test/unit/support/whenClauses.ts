// A small reasoner over VS Code `when` clauses, enough to tell whether two menu entries can show
// at the same time. Clauses are split at `||` into conjunctions of `&&` terms; a pair of
// conjunctions is disjoint only when one key is pinned to incompatible values (`k == a` vs
// `k == b`, `k == a` vs a regex that rejects a, `k` vs `!k`). Anything it does not understand
// (parentheses, `in`, comparisons) counts as possibly overlapping, so it errs towards reporting.

type Term = { key: string; eq?: string; re?: RegExp; neq?: string; truthy?: boolean };

function parseTerm(text: string, regexes: string[]): Term | undefined {
  const t = text.trim().replace(/\u0000(\d+)\u0000/g, (_, i: string) => regexes[Number(i)]!);
  let m = /^([\w.:-]+)\s*==\s*'?([^'\s]+)'?$/.exec(t);
  if (m) return { key: m[1]!, eq: m[2]! };
  m = /^([\w.:-]+)\s*!=\s*'?([^'\s]+)'?$/.exec(t);
  if (m) return { key: m[1]!, neq: m[2]! };
  m = /^([\w.:-]+)\s*=~\s*\/(.*)\/([a-z]*)$/.exec(t);
  if (m) return { key: m[1]!, re: new RegExp(m[2]!, m[3]) };
  m = /^(!?)([\w.:-]+)$/.exec(t);
  if (m) return { key: m[2]!, truthy: m[1] !== '!' };
  return undefined;
}

/** The alternatives of a clause, each a list of terms; undefined terms are not understood. */
function disjuncts(when: string | undefined): (Term | undefined)[][] {
  if (!when || !when.trim()) return [[]];
  // Regex literals may hold `(`, `|` or `&`: set them aside before splitting.
  const regexes: string[] = [];
  const text = when.replace(/=~\s*\/(?:\\.|[^/\\])*\/[a-z]*/g, (r) => `\u0000${regexes.push(r) - 1}\u0000`);
  if (/[()]/.test(text)) return [[undefined]];
  return text.split('||').map((conj) => conj.split('&&').map((t) => parseTerm(t, regexes)));
}

function termsConflict(a: Term, b: Term): boolean {
  if (a.key !== b.key) return false;
  if (a.eq !== undefined && b.eq !== undefined) return a.eq !== b.eq;
  if (a.eq !== undefined && b.re) return !b.re.test(a.eq);
  if (b.eq !== undefined && a.re) return !a.re.test(b.eq);
  if (a.eq !== undefined && b.neq !== undefined) return a.eq === b.neq;
  if (b.eq !== undefined && a.neq !== undefined) return b.eq === a.neq;
  if (a.truthy !== undefined && b.truthy !== undefined) return a.truthy !== b.truthy;
  return false;
}

function conjunctionsOverlap(a: (Term | undefined)[], b: (Term | undefined)[]): boolean {
  const known = (ts: (Term | undefined)[]) => ts.filter((t): t is Term => t !== undefined);
  return !known(a).some((x) => known(b).some((y) => termsConflict(x, y)));
}

/** Whether both clauses can be true at once (as far as this reasoner can tell). */
export function whenClausesOverlap(a: string | undefined, b: string | undefined): boolean {
  return disjuncts(a).some((x) => disjuncts(b).some((y) => conjunctionsOverlap(x, y)));
}

export interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}

/** "menu: command" for every command listed twice in one menu where both entries can show together. */
export function duplicateMenuEntries(menus: Record<string, MenuEntry[]>): string[] {
  const found: string[] = [];
  for (const [menu, entries] of Object.entries(menus)) {
    entries.forEach((a, i) => {
      for (const b of entries.slice(i + 1)) {
        if (a.command && a.command === b.command && whenClausesOverlap(a.when, b.when)) found.push(`${menu}: ${a.command} (when ${a.when ?? 'always'} / ${b.when ?? 'always'})`);
      }
    });
  }
  return found;
}
