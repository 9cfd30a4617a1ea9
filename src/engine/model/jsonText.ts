import { UserError } from '../errors';

/**
 * Parses the text of a JSON file we were pointed at. On a syntax error the message gives only
 * where the error is (line and column): V8's own message quotes the text around it, and the
 * file may be anything (`--model /etc/passwd`), so its content must never reach the output.
 */
export function parseJsonText(text: string, file: string): unknown {
  // Editors on Windows may write a byte-order mark, which JSON.parse refuses.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    const at = jsonErrorOffset(body);
    if (at >= body.length) throw new UserError(`${file}: not valid JSON (the file ends before the JSON is complete)`);
    const before = body.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new UserError(`${file}: not valid JSON (at line ${line}, column ${column})`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;
/** A string still open when the text ends. */
const OPEN_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{0,4})?)*$/y;

/**
 * Offset of the first character where `text` stops being JSON, or text.length when it ends
 * early. Only called after JSON.parse failed; iterative, so deep nesting cannot overflow.
 */
export function jsonErrorOffset(text: string): number {
  const open: ('{' | '[')[] = [];
  let expect: 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'after' = 'value';
  let i = 0;
  const match = (re: RegExp): number => {
    re.lastIndex = i;
    return re.test(text) ? re.lastIndex : -1;
  };
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    if (i >= text.length) return text.length;
    const c = text[i]!;
    const inner = open[open.length - 1];
    if (expect === 'after') {
      if (inner === undefined) return i; // content after a complete value
      if (c === ',') expect = inner === '{' ? 'key' : 'value';
      else if (c === (inner === '{' ? '}' : ']')) open.pop();
      else return i;
      i++;
    } else if (expect === 'colon') {
      if (c !== ':') return i;
      expect = 'value';
      i++;
    } else if (expect === 'key' || expect === 'firstKey') {
      if (c === '}' && expect === 'firstKey') {
        open.pop();
        expect = 'after';
        i++;
        continue;
      }
      const end = match(STRING);
      if (end < 0) return match(OPEN_STRING) < 0 ? i : text.length;
      i = end;
      expect = 'colon';
    } else if (c === ']' && expect === 'firstValue') {
      open.pop();
      expect = 'after';
      i++;
    } else if (c === '{' || c === '[') {
      open.push(c);
      expect = c === '{' ? 'firstKey' : 'firstValue';
      i++;
    } else {
      const end = Math.max(match(STRING), match(NUMBER), match(LITERAL));
      if (end < 0) return match(OPEN_STRING) >= 0 || endsInsideLiteral(text, i) ? text.length : i;
      i = end;
      expect = 'after';
    }
  }
}

/** `tru`, `nul`, `-` and the like at the very end: a value cut short, not a wrong one. */
function endsInsideLiteral(text: string, i: number): boolean {
  const rest = text.slice(i);
  return rest.length < 5 && (rest === '-' || ['true', 'false', 'null'].some((l) => l.startsWith(rest)));
}
