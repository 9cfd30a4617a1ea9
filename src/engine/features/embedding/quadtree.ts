// The Barnes–Hut quadtree of t-SNE's repulsive forces. Every point pushes every other away with
// strength q_ij² (q_ij = 1/(1 + |y_i − y_j|²)); a cell far enough away (its width < θ·distance)
// acts as one body at its centre of mass, so each point's sum costs O(log N) instead of O(N).
// Nodes are records in one flat Float64Array, rebuilt every iteration: no per-node objects for the
// GC, and the fields a traversal reads sit together in memory (the traversal is most of t-SNE's time).

/** Deeper than this, coincident or nearly coincident points share a leaf instead of splitting forever. */
const MAX_DEPTH = 48;

// A node's record: centre of mass (a running sum while building), cell centre, half width, number
// of points, first of its four consecutive children (-1 for a leaf), a leaf's first point (-1: empty).
const MX = 0;
const MY = 1;
const CX = 2;
const CY = 3;
const HALF = 4;
const COUNT = 5;
const CHILD = 6;
const POINT = 7;
const STRIDE = 8;

export class QuadTree {
  private nodes: Float64Array;
  private size = 0;
  private stack = new Int32Array(4 * MAX_DEPTH + 8);
  /** A leaf's points beyond POINT (coincident points, or any at MAX_DEPTH), by node. */
  private extra = new Map<number, number[]>();

  constructor(capacity: number) {
    // Typical layouts need about 2N nodes; `newNode` doubles the storage when they need more.
    this.nodes = new Float64Array(STRIDE * Math.max(64, 3 * capacity));
  }

  /** Builds the tree over the n points of y (x0, y0, x1, y1, …). */
  build(y: Float64Array, n: number): void {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, y[2 * i]!);
      maxX = Math.max(maxX, y[2 * i]!);
      minY = Math.min(minY, y[2 * i + 1]!);
      maxY = Math.max(maxY, y[2 * i + 1]!);
    }
    this.size = 0;
    this.extra.clear();
    const root = this.newNode((minX + maxX) / 2, (minY + maxY) / 2, Math.max(maxX - minX, maxY - minY) / 2 + 1e-5);
    for (let i = 0; i < n; i++) this.insert(root, i, y);
    const t = this.nodes;
    for (let o = 0; o < this.size * STRIDE; o += STRIDE) {
      const c = t[o + COUNT]!;
      if (c > 0) {
        t[o + MX] /= c;
        t[o + MY] /= c;
      }
    }
  }

  /**
   * Adds point i's unnormalized repulsive force Σ_j q_ij²(y_i − y_j) to force[2i], force[2i+1] and
   * returns its Σ_j q_ij (both without the j = i term). θ² is passed squared.
   */
  repulse(i: number, y: Float64Array, theta2: number, force: Float64Array): number {
    const t = this.nodes;
    const stack = this.stack;
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    let z = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const o = stack[--top]! * STRIDE;
      const c = t[o + COUNT]!;
      const dx = px - t[o + MX]!;
      const dy = py - t[o + MY]!;
      const d2 = dx * dx + dy * dy;
      const first = t[o + CHILD]!;
      const width = 2 * t[o + HALF]!;
      if (first === -1 || width * width < theta2 * d2) {
        // One body of mass c at the centre of mass; a leaf holding i itself counts only its other points.
        const mass = first === -1 && this.holds(o, i) ? c - 1 : c;
        if (mass === 0) continue;
        const q = 1 / (1 + d2);
        z += mass * q;
        const m = mass * q * q;
        fx += m * dx;
        fy += m * dy;
      } else {
        // Empty quadrants are common (every split makes four): never push them.
        for (let ch = first; ch < first + 4; ch++) if (t[ch * STRIDE + COUNT] !== 0) stack[top++] = ch;
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return z;
  }

  /** Whether the leaf at record offset o holds point i. */
  private holds(o: number, i: number): boolean {
    if (this.nodes[o + POINT] === i) return true;
    // Most leaves hold one point: skip the map lookup for them.
    return this.nodes[o + COUNT]! > 1 && (this.extra.get(o / STRIDE)?.includes(i) ?? false);
  }

  private newNode(cx: number, cy: number, half: number): number {
    if ((this.size + 1) * STRIDE > this.nodes.length) {
      const bigger = new Float64Array(2 * this.nodes.length);
      bigger.set(this.nodes);
      this.nodes = bigger;
    }
    const id = this.size++;
    const o = id * STRIDE;
    const t = this.nodes;
    t[o + MX] = 0;
    t[o + MY] = 0;
    t[o + CX] = cx;
    t[o + CY] = cy;
    t[o + HALF] = half;
    t[o + COUNT] = 0;
    t[o + CHILD] = -1;
    t[o + POINT] = -1;
    return id;
  }

  private insert(root: number, i: number, y: Float64Array): void {
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let node = root;
    for (let depth = 0; ; depth++) {
      const o = node * STRIDE;
      this.nodes[o + COUNT]++;
      this.nodes[o + MX] += px;
      this.nodes[o + MY] += py;
      if (this.nodes[o + CHILD] === -1) {
        const held = this.nodes[o + POINT]!;
        if (held === -1) {
          this.nodes[o + POINT] = i;
          return;
        }
        if (depth >= MAX_DEPTH || (y[2 * held] === px && y[2 * held + 1] === py)) {
          const list = this.extra.get(node);
          if (list) list.push(i);
          else this.extra.set(node, [i]);
          return;
        }
        this.split(node, y);
      }
      node = this.quadrant(node, px, py);
    }
  }

  /** Turns a leaf into four children and moves its point(s), all at one position, into the right one. */
  private split(node: number, y: Float64Array): void {
    const o = node * STRIDE;
    const h = this.nodes[o + HALF]! / 2;
    const cx = this.nodes[o + CX]!;
    const cy = this.nodes[o + CY]!;
    const first = this.newNode(cx - h, cy - h, h);
    this.newNode(cx + h, cy - h, h);
    this.newNode(cx - h, cy + h, h);
    this.newNode(cx + h, cy + h, h);
    // newNode may have replaced the storage: index it afresh.
    const t = this.nodes;
    t[o + CHILD] = first;
    const held = t[o + POINT]!;
    t[o + POINT] = -1;
    const moved = this.extra.get(node);
    this.extra.delete(node);
    const target = this.quadrant(node, y[2 * held]!, y[2 * held + 1]!);
    const c = 1 + (moved?.length ?? 0);
    const ot = target * STRIDE;
    t[ot + COUNT] = c;
    t[ot + MX] = c * y[2 * held]!;
    t[ot + MY] = c * y[2 * held + 1]!;
    t[ot + POINT] = held;
    if (moved) this.extra.set(target, moved);
  }

  private quadrant(node: number, px: number, py: number): number {
    const o = node * STRIDE;
    return this.nodes[o + CHILD]! + (px >= this.nodes[o + CX]! ? 1 : 0) + (py >= this.nodes[o + CY]! ? 2 : 0);
  }
}
