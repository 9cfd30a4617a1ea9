import { isUserError, UserError } from './errors';
import { CancelledError } from './methods/types';
import { parseCommandLine, type Flags } from './cli/args';
import { commands, commandsWithImages } from './cli/commands';
import { writeJson, writePng } from './cli/output';
import { backendPreference, openSession } from './cli/session';
import { initBackend } from './backend';
import { standaloneCommands, standaloneCommandsWithImages, stoppableStandaloneCommands } from './cli/styleNetworkCommands';
import { methodFlagNames, methodsHelp } from './cli/methodFlags';
import { attributionMethodNames } from './methods/catalog';
import { synthesisCommand, synthesisMethods } from './synthesis/catalog';
import { folderMethod, folderMethods } from './features/catalog';
import { synthesisModelFile } from './cli/synthesisCommand';
import { styleTrainDefaults } from './synthesis/fastStyle/training';
import { defaultTransformNetShape } from './synthesis/fastStyle/transformNet';

/** Built when asked for, from the registered methods (their flags and defaults come from their descriptors). */
const usage = (t = styleTrainDefaults, n = defaultTransformNetShape) => `convscope <command> --model <model.json> [--image <file>] [options] [--json <file|->] [--out <file.png>]

commands
  info          layer table: type, output shape, parameters, receptive field
  predict       class scores and probabilities (--top K)
  activations   output of a layer (--layer L); --out draws one tile per channel
  filters       kernels of a conv layer (--layer L, default the first; --mode auto|rgb|mean|per-input)
  gram          Gram matrix G = F·Fᵀ/(H·W) of a layer (--layer L)
  saliency      --method ${attributionMethodNames().join(' | ')}
                target: --target <class> (default: top class) or --layer L --channel C (a neuron)
${methodsHelp('                ').join('\n')}
                display: --colormap viridis|inferno|magma|gray|coolwarm --opacity 0..1
${synthesisMethods()
  .map((d) => `  ${d.command.padEnd(12)}  ${d.hint}${d.needsImage ? ' (--image F; default model: the bundled InceptionV3)' : ''}\n${methodsHelp('                ', [d]).join('\n').replace(/^( *)[^:]+: /, '$1')}`)
  .join('\n')}
  style-train   train a fast style network (Johnson et al. 2016): --style S --content-dir DIR --out-model DIR
                [--size ${t.size}] [--steps ${t.steps}] [--batch ${t.batch}] [--checkpoint-every ${t.checkpointEvery}] [--learning-rate ${t.learningRate}] [--seed ${t.seed}]
                [--content-weight ${t.contentWeight}] [--style-weight-total ${t.styleWeight}] [--tv-weight ${t.tvWeight}] [--style-scale ${t.styleScale}] [--smoothing ${t.smoothing}|…]
                [--content-layer L] [--style-layer L …] [--jitter ${t.jitter}] [--net-width ${n.width}] [--residual-blocks ${n.residualBlocks}] [--resume]
                --model: the feature network (default: the bundled InceptionV3); Ctrl-C stops and keeps a checkpoint
  style-apply   a photo through a trained style network, one forward pass: --model STYLE_NET/model.json --image F [--size S]
${folderMethods()
  .map((d) => `  ${d.command.padEnd(12)}  ${d.hint}\n${methodsHelp('                ', [d]).join('\n').replace(/^( *)[^:]+: /, '$1')}`)
  .join('\n')}
                folders: --images DIR (labels: subfolder names) [--limit N --seed N: a seeded sample]
                [--cache-dir D (default ~/.cache/convscope/features) | --no-cache]; Ctrl-C stops and keeps what is done
                synthesis: the cost is printed first; Ctrl-C stops and writes the image so far (twice: cancel);
                --json F writes the curve and the run config, --config F.json runs it again (flags override)

preprocessing (override model.convscope.json): --input-range lo,hi --mean a,b,c --std a,b,c --bgr --labels <file>
engine: --backend auto|native-gpu|native|wasm|cpu (or CONVSCOPE_BACKEND), --memory-budget <MiB>
exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error`;

async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseCommandLine(argv, methodFlagNames());
  if (flags.help || !command) {
    process.stdout.write(usage() + '\n');
    return command || flags.help ? 0 : 2;
  }
  const standalone = Object.hasOwn(standaloneCommands, command) ? standaloneCommands[command] : undefined;
  const run = commands[command];
  const known = [...Object.keys(commands), ...Object.keys(standaloneCommands)];
  if (!run && !standalone) throw new UserError(`unknown command '${command}'; commands: ${known.join(', ')}`);
  const withImages = [...commandsWithImages, ...standaloneCommandsWithImages];
  // Refuse a bad --out before a long job runs, not after.
  if (flags.out !== undefined && !flags.out.toLowerCase().endsWith('.png')) throw new UserError(`--out ${flags.out}: the output image must be a .png file`);
  if (flags.out !== undefined && !withImages.includes(command)) throw new UserError(`${command} has no image to write with --out (commands with images: ${withImages.join(', ')})`);
  const synthesis = synthesisCommand(command);
  const session = standalone ? undefined : await openSession(synthesis ? { ...flags, model: synthesisModelFile(synthesis, flags) } : flags);
  const backend = session?.backend ?? (await initBackend(backendPreference(flags)));
  if (backend.kernelWarning) process.stderr.write(`convscope: warning: ${backend.kernelWarning}\n`);
  const abort = new AbortController();
  const stop = new AbortController();
  // A synthesis keeps its image and style-train its checkpoint: the first Ctrl-C stops after the
  // current step, a second cancels.
  const stoppable = synthesis !== undefined || stoppableStandaloneCommands.has(command) || folderMethod(command) !== undefined;
  const onInterrupt = () => {
    if (stoppable && !stop.signal.aborted) {
      stop.abort();
      process.stderr.write('\nconvscope: stopping after this step (Ctrl-C again to cancel)\n');
      return;
    }
    abort.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const control = { flags, signal: abort.signal, stop: stop.signal, progress: progressPrinter(flags), announce: (line: string) => process.stdout.write(line + '\n') };
    const output = session ? await run!({ session, ...control }) : await standalone!({ backend, ...control });
    process.stdout.write(output.text + '\n');
    const warnings = output.warnings ?? [];
    for (const w of warnings) process.stderr.write(`convscope: warning: ${w}\n`);
    if (flags.json) writeJson(flags.json, { ...output.json, warnings });
    if (flags.out && output.png) writePng(flags.out, output.png);
    return 0;
  } finally {
    session?.model.dispose();
  }
}

/** Progress goes to stderr, and only to a terminal: pipes and tests get clean output. */
function progressPrinter(flags: Flags) {
  if (!process.stderr.isTTY || flags.json === '-') return () => {};
  return (p: { fraction: number; message: string }) => process.stderr.write(`\r${p.message}`.padEnd(60) + (p.fraction >= 1 ? '\n' : ''));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`convscope: ${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof CancelledError) {
      process.stderr.write('convscope: cancelled\n');
      process.exit(130);
    }
    process.stderr.write(`convscope: internal error: ${e instanceof Error ? (process.env.CONVSCOPE_DEBUG ? e.stack : e.message) : String(e)}\n`);
    process.exit(1);
  },
);
