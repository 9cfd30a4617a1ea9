# One Gatys style-transfer iteration in PyTorch on the network shape ConvScope's `style` uses by
# default, for `npm run bench` (bench/styleBench.ts runs it and reads the last line of stdout, JSON).
#   /usr/bin/python3 bench/pytorchGatys.py '{"size": 256, "runs": 3, "threads": 2, "seed": 1}'
#
# Network: torchvision's inception_v3 (random weights, eval mode: batch norm uses its running
# statistics as the Keras model's does), run only as far as the loss needs, as the engine's
# stopAtCaptured forward does. Keras InceptionV3 layer -> torchvision module whose output it is:
#   activation_1 (149x149x32 at 299) -> Conv2d_1a_3x3   activation_3 (147x147x64) -> Conv2d_2b_3x3
#   activation_5 (71x71x192)         -> Conv2d_4a_3x3   mixed0 -> Mixed_5b, mixed2 -> Mixed_5d
#   mixed3 (content layer, 17x17x768) -> Mixed_6a
# (torchvision's BasicConv2d is conv without bias, batch norm eps 1e-3, ReLU: Keras's conv2d_N,
# batch_normalization_N, activation_N.) The branch order inside the mixed blocks differs from
# Keras's concatenation order, which changes no cost.
#
# Loss as src/engine/synthesis/styleLoss.ts and the bench's Gatys spec (synthesisBench.ts):
# softmax over channels at each position before the content distance and the Grams;
#   content = mean (s(phi(x)) - s(phi(c)))^2 / mean s(phi(c))^2, weight 1
#   style   = sum over 5 layers of 2 * mean (G(x) - G_s)^2 / mean G_s^2, G = F F^T / positions
#   TV      = sum (dy^2 + dx^2) / (n h w) over the (h-1)x(w-1) grid, weight 1
# Image: pixels p in [-0.5, 0.5], x = p + 0.5 (the model takes RGB in [0, 1]); one step is a forward,
# a backward to p, an Adam update (lr 0.02) and the clip back to [-0.5, 0.5], then p read back.
import json
import os
import statistics
import sys
import time

import torch
import torchvision

cfg = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
size = int(cfg.get("size", 256))
runs = int(cfg.get("runs", 3))
threads = int(cfg.get("threads", 2))
torch.set_num_threads(threads)
torch.manual_seed(int(cfg.get("seed", 1)))

try:
    net = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
except TypeError:  # torchvision < 0.13
    net = torchvision.models.inception_v3(pretrained=False, aux_logits=False, init_weights=False)
net = net.float().eval()
for param in net.parameters():
    param.requires_grad_(False)

# The stem and blocks up to Mixed_6a, in forward order; the names are the Keras layers captured.
stages = [
    (net.Conv2d_1a_3x3, "activation_1"),
    (net.Conv2d_2a_3x3, None),
    (net.Conv2d_2b_3x3, "activation_3"),
    (net.maxpool1, None),
    (net.Conv2d_3b_1x1, None),
    (net.Conv2d_4a_3x3, "activation_5"),
    (net.maxpool2, None),
    (net.Mixed_5b, "mixed0"),
    (net.Mixed_5c, None),
    (net.Mixed_5d, "mixed2"),
    (net.Mixed_6a, "mixed3"),
]
style_layers = ["activation_1", "activation_3", "activation_5", "mixed0", "mixed2"]
content_layer = "mixed3"


def features(x):
    out = {}
    for module, name in stages:
        x = module(x)
        if name is not None:
            out[name] = torch.softmax(x, dim=1)  # over channels, at each position
    return out


def gram(f):
    n, c, h, w = f.shape
    flat = f.reshape(n, c, h * w)
    return torch.bmm(flat, flat.transpose(1, 2)) / (h * w)


def total_variation(img):
    dy = img[:, :, 1:, :-1] - img[:, :, :-1, :-1]
    dx = img[:, :, :-1, 1:] - img[:, :, :-1, :-1]
    n, _, h, w = img.shape
    return (dy * dy + dx * dx).sum() / (n * h * w)


content = (0.5 + 0.1 * torch.randn(1, 3, size, size)).clamp(0, 1)
style = (0.5 + 0.2 * torch.randn(1, 3, size, size)).clamp(0, 1)
with torch.no_grad():
    content_target = features(content)[content_layer]
    content_scale = float(content_target.square().mean())
    style_feats = features(style)
    style_grams = {l: gram(style_feats[l]) for l in style_layers}
    style_scales = {l: float(g.square().mean()) for l, g in style_grams.items()}
style_weight = 10 / len(style_layers)

pixels = (content - 0.5).clone().requires_grad_(True)
adam = torch.optim.Adam([pixels], lr=0.02)


def step():
    adam.zero_grad(set_to_none=True)
    image = pixels + 0.5
    f = features(image)
    loss = (f[content_layer] - content_target).square().mean() / content_scale
    for l in style_layers:
        loss = loss + style_weight * (gram(f[l]) - style_grams[l]).square().mean() / style_scales[l]
    loss = loss + total_variation(image)
    loss.backward()
    adam.step()
    with torch.no_grad():
        pixels.clamp_(-0.5, 0.5)
    pixels.detach().numpy().sum()  # read back, as the engine reads its image back
    return float(loss)


step()  # warm-up
wall, cpu = [], []
for _ in range(runs):
    c0, t0 = time.process_time(), time.perf_counter()
    step()
    wall.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)

# Debian's python3-torch is built with BLAS_INFO=generic: its matmuls (here the Grams, ~3 per layer
# per step) run on whatever libblas.so.3 the dynamic linker finds: the reference BLAS unless
# OpenBLAS is installed (then Debian's alternative points to it) or put first on LD_LIBRARY_PATH.
# On this 2-core machine the 5 forward Grams took ~450 ms on the reference BLAS, ~15-55 ms on
# OpenBLAS; its convolutions use oneDNN (mkldnn) either way. Say which library was loaded.
blas = next((part.split("=", 1)[1] for part in torch.__config__.show().replace(",", " ").split() if part.startswith("BLAS_INFO=")), "?")
try:
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1].lower()})
except OSError:
    libs = []
blas_library = os.path.realpath(libs[0]) if libs else "?"

print(json.dumps({
    "torch": torch.__version__,
    "blas": blas,
    "blas_library": blas_library,
    "torchvision": torchvision.__version__,
    "threads": torch.get_num_threads(),
    "mkldnn": bool(torch.backends.mkldnn.is_available()),
    "size": size,
    "wall_ms": wall,
    "cpu_ms": cpu,
    "wall_median_ms": statistics.median(wall),
    "wall_min_ms": min(wall),
    "cpu_median_ms": statistics.median(cpu),
}))
