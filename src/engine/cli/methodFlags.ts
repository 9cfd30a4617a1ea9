import type { OptionSpec } from '../methods/descriptor';
import type { MethodInfo } from '../../shared/methodSchema';
import { synthesisMethods } from '../synthesis/catalog';
import { attributionMethods } from '../methods/catalog';
import { folderMethods } from '../features/catalog';
import { choiceFlag, generalFlags, numberFlag, type Flags } from './args';

/** The flags every registered method reads, each once (methods may share one, e.g. --baseline). */
export function methodFlagNames(): string[] {
  const all: readonly MethodInfo[] = [...attributionMethods(), ...synthesisMethods(), ...folderMethods()];
  // --layer is a general flag (repeatable); the methods' options that read it need no flag of their own.
  return [...new Set(all.flatMap((d) => Object.values(d.options).map((o) => o.cliFlag)))].filter((f) => !generalFlags.has(f));
}

/**
 * A method's options from the command line, parsed and checked against its schema (a UserError
 * naming the flag otherwise); absent flags are left out so the method's defaults apply. A 'layer'
 * option also reads --layer, unless --layer names a neuron target (--channel given).
 */
export function methodOptionsFromFlags(d: MethodInfo, flags: Flags, neuronTarget: boolean): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(d.options)) {
    const value = flagValue(spec, flags, neuronTarget);
    if (value !== undefined) options[key] = value;
  }
  return options;
}

function flagValue(spec: OptionSpec, flags: Flags, neuronTarget: boolean): unknown {
  const name = spec.cliFlag;
  switch (spec.type) {
    case 'int':
    case 'number':
      return numberFlag(flags, name, { integer: spec.type === 'int', min: spec.min, max: spec.max });
    case 'choice':
      return choiceFlag(flags, name, spec.choices ?? []);
    case 'layer': {
      const raw = flags[name] ?? (neuronTarget ? undefined : flags.layer);
      return typeof raw === 'string' ? raw : undefined;
    }
    case 'string':
    case 'file':
      return typeof flags[name] === 'string' ? flags[name] : undefined;
    case 'layers':
    case 'files': {
      const raw = name === 'layer' ? flags.layers : flags[name];
      return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : undefined;
    }
  }
}

/** One line per method with options, for --help: `<name>: --<flag> <values> (<default>) …`. */
export function methodsHelp(indent: string, methods: readonly MethodInfo[] = attributionMethods()): string[] {
  return methods
    .filter((d) => Object.keys(d.options).length > 0)
    .map((d) => `${indent}${d.name}: ${Object.values(d.options).map(flagHelp).join(' ')}`);
}

function flagHelp(spec: OptionSpec): string {
  const values =
    spec.type === 'choice' ? (spec.choices ?? []).join('|') : spec.type === 'layer' ? 'L' : spec.type === 'layers' ? 'L [--' + spec.cliFlag + ' L2 …]' : spec.type === 'files' ? 'F [--' + spec.cliFlag + ' F2 …]' : spec.type === 'file' ? 'F' : spec.min !== undefined && spec.max !== undefined ? `${spec.min}..${spec.max}` : spec.type === 'string' ? 'S' : spec.type === 'int' ? 'N' : 'X';
  const fallback = spec.default !== undefined ? ` (${spec.default})` : ` (${spec.hint})`;
  return `--${spec.cliFlag} ${values}${fallback}`;
}
