import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors';
import { parseJsonText } from './jsonText';
import type { ModelSource } from './loaders/types';

const headBytes = 4096;

/** Opens a model file for the loaders: refuses what is not a regular file, reads its first bytes. */
export function openModelSource(file: string): ModelSource {
  if (!existsSync(file)) throw new UserError(`${file}: model file not found`);
  const stat = statSync(file);
  if (stat.isDirectory()) throw new UserError(`${file}: is a folder; give the path of its model.json`);
  if (!stat.isFile()) throw new UserError(`${file}: not a regular file; give the path of a model.json`);
  const head = Buffer.alloc(Math.min(headBytes, stat.size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let parsed: { value: unknown } | undefined;
  return {
    file,
    head,
    json() {
      parsed ??= { value: parseJsonText(readFileSync(file, 'utf8'), file) };
      return parsed.value;
    },
  };
}
