import { UserError } from '../errors';
import type { AnySynthesisDescriptor } from './descriptor';
import { dreamMethod } from './dream';
import { invertMethod } from './invert';
import { styleMethod } from './style';
import { textureMethod } from './texture';
import { visualizeMethod } from './visualize';

/**
 * The synthesis methods, each a CLI command of its own and a choice of the Synthesis panel. The
 * engine's dispatch, the CLI's commands, flags and --help and the panel's controls read this list.
 */
const descriptors: AnySynthesisDescriptor[] = [visualizeMethod, invertMethod, dreamMethod, textureMethod, styleMethod];

export function synthesisMethods(): readonly AnySynthesisDescriptor[] {
  return descriptors;
}

export function synthesisMethod(name: string): AnySynthesisDescriptor {
  const d = descriptors.find((m) => m.name === name);
  if (!d) throw new UserError(`unknown synthesis method '${name}'; methods: ${descriptors.map((m) => m.name).join(', ')}`);
  return d;
}

/** The method a CLI command runs, if it is a synthesis command. */
export function synthesisCommand(command: string): AnySynthesisDescriptor | undefined {
  return descriptors.find((m) => m.command === command);
}
