// Reading a class or channel number typed into an input box (pure: unit-tested without vscode).

/** The whole number in `text` within [0, count), or why not (shown under the input box). */
export function parseIndex(text: string, count: number, what: string): { index: number } | { error: string } {
  const t = text.trim();
  if (count <= 0) return { error: `This model has no ${what} to pick.` };
  if (!/^\d+$/.test(t)) return { error: `Enter a ${what} number from 0 to ${count - 1}.` };
  const index = Number(t);
  if (index >= count) return { error: `The ${what} must be below ${count}.` };
  return { index };
}
