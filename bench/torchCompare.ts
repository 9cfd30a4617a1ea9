// Optional PyTorch anchor: the same VGG-16 shape timed by PyTorch on this machine, when a Python
// with torch is available. Nothing here is needed for the rest of the bench.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { VggSpec } from './networks';

export interface TorchResult {
  python: string;
  torch: string;
  threads: number;
  mkldnn: boolean;
  forward_ms: number[];
  grad_ms: number[];
  forward_median_ms: number;
  grad_median_ms: number;
  /** Process CPU time (all threads). */
  forward_cpu_median_ms: number;
  grad_cpu_median_ms: number;
}

export type TorchOutcome = { ok: true; result: TorchResult } | { ok: false; reason: string };

const pythons = ['python3', '/usr/bin/python3'];

/** The first Python that imports torch, or why none did. */
export function findTorchPython(): { python?: string; reasons: string[] } {
  const reasons: string[] = [];
  for (const python of pythons) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) reasons.push(`${python}: ${r.error.message}`);
    else if (r.status === 0) return { python, reasons };
    else reasons.push(`${python}: ${lastLine(r.stderr) || `exit ${r.status}`}`);
  }
  return { reasons };
}

export function runTorchBench(spec: VggSpec, runs: number, seed: number): TorchOutcome {
  const found = findTorchPython();
  if (!found.python) return { ok: false, reason: found.reasons.join('; ') };
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-bench-torch-'));
  const script = path.join(dir, 'vgg_bench.py');
  try {
    writeFileSync(script, pythonScript);
    const args = [script, JSON.stringify({ spec, runs, seed })];
    const r = spawnSync(found.python, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20 });
    if (r.error) return { ok: false, reason: `${found.python} ${script}: ${r.error.message}` };
    if (r.status !== 0) return { ok: false, reason: `${found.python} exited ${r.status}: ${lastLine(r.stderr)}` };
    const result = JSON.parse(lastLine(r.stdout)) as TorchResult;
    return { ok: true, result: { ...result, python: found.python } };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastLine(s: string | null | undefined): string {
  return (s ?? '').trim().split('\n').pop() ?? '';
}

// Input gradient only: parameters do not require grad, like the engine's inputGradient (which
// differentiates with respect to the input alone). Same layer shapes, He-normal weights, zero biases.
const pythonScript = String.raw`
import json, statistics, sys, time
import torch
import torch.nn as nn

cfg = json.loads(sys.argv[1])
spec, runs, seed = cfg["spec"], cfg["runs"], cfg["seed"]
torch.set_num_threads(2)
torch.manual_seed(seed)

layers, c = [], 3
for block in spec["blocks"]:
    for w in block:
        layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
        c = w
    layers.append(nn.MaxPool2d(2, 2))
layers.append(nn.Flatten())
side = spec["input"] // 2 ** len(spec["blocks"])
f = side * side * c
for w in spec["fc"]:
    layers += [nn.Linear(f, w), nn.ReLU()]
    f = w
layers.append(nn.Linear(f, spec["classes"]))
net = nn.Sequential(*layers).float().eval()
for m in net.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
for p in net.parameters():
    p.requires_grad_(False)

x = torch.rand(1, 3, spec["input"], spec["input"], dtype=torch.float32)

def forward():
    with torch.no_grad():
        net(x)

def grad():
    xi = x.clone().requires_grad_(True)
    out = net(xi)
    out[0, int(out[0].argmax())].backward()
    return xi.grad

# Round-robin (forward, gradient, forward, …) so both see the same background load.
forward(); grad()
fw, gr, fwc, grc = [], [], [], []
for _ in range(runs):
    for fn, wall, cpu in ((forward, fw, fwc), (grad, gr, grc)):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)

print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "mkldnn": bool(torch.backends.mkldnn.is_available()),
    "forward_ms": fw, "grad_ms": gr,
    "forward_median_ms": statistics.median(fw), "grad_median_ms": statistics.median(gr),
    "forward_cpu_median_ms": statistics.median(fwc), "grad_cpu_median_ms": statistics.median(grc),
}))
`;
