// The Barnes–Hut quadtree of t-SNE's repulsive forces. Every point pushes every other away with
// strength q_ij² (q_ij = 1/(1 + |y_i − y_j|²)); a cell far enough away (its width < θ·distance)
// acts as one body at its centre of mass, so each point's sum costs O(log N) instead of O(N).
// Nodes live in flat typed arrays, rebuilt every iteration: no per-node objects for the GC.

/** Deeper than this, coincident or nearly coincident points share a leaf instead of splitting forever. */
const MAX_DEPTH = 48;

export class QuadTree {
  private cx: Float64Array;
  private cy: Float64Array;
  private half: Float64Array;
  private massX: Float64Array;
  private massY: Float64Array;
  private count: Int32Array;
  private child: Int32Array; // first of four consecutive children, -1 for a leaf
  private point: Int32Array; // a leaf's first point, -1 when empty
  private size = 0;
  private stack: Int32Array;

  constructor(capacity: number) {
    // Each split adds 4 nodes and happens at most once per inserted point per level; 8N + 64 covers
    // typical layouts, and `grow` handles the rest.
    const c = Math.max(64, 8 * capacity);
    this.cx = new Float64Array(c);
    this.cy = new Float64Array(c);
    this.half = new Float64Array(c);
    this.massX = new Float64Array(c);
    this.massY = new Float64Array(c);
    this.count = new Int32Array(c);
    this.child = new Int32Array(c);
    this.point = new Int32Array(c);
    this.stack = new Int32Array(4 * MAX_DEPTH + 8);
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
    const root = this.newNode((minX + maxX) / 2, (minY + maxY) / 2, Math.max(maxX - minX, maxY - minY) / 2 + 1e-5);
    for (let i = 0; i < n; i++) this.insert(root, i, y);
    for (let node = 0; node < this.size; node++) {
      const c = this.count[node]!;
      if (c > 0) {
        this.massX[node] /= c;
        this.massY[node] /= c;
      }
    }
  }

  /**
   * Adds point i's unnormalized repulsive force Σ_j q_ij²(y_i − y_j) to force[2i], force[2i+1] and
   * returns its Σ_j q_ij (both without the j = i term).
   */
  repulse(i: number, y: Float64Array, theta2: number, force: Float64Array): number {
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let fx = 0;
    let fy = 0;
    let z = 0;
    let top = 0;
    this.stack[top++] = 0;
    while (top > 0) {
      const node = this.stack[--top]!;
      const c = this.count[node]!;
      if (c === 0) continue;
      const dx = px - this.massX[node]!;
      const dy = py - this.massY[node]!;
      const d2 = dx * dx + dy * dy;
      const first = this.child[node]!;
      const width = 2 * this.half[node]!;
      if (first === -1 || width * width < theta2 * d2) {
        // One body of mass c at the centre of mass; a leaf holding i itself counts its other points.
        const mass = first === -1 && this.holds(node, i) ? c - 1 : c;
        if (mass === 0) continue;
        const q = 1 / (1 + d2);
        z += mass * q;
        const m = mass * q * q;
        fx += m * dx;
        fy += m * dy;
      } else {
        for (let t = 0; t < 4; t++) this.stack[top++] = first + t;
      }
    }
    force[2 * i] += fx;
    force[2 * i + 1] += fy;
    return z;
  }

  /** A leaf's points beyond `point` (coincident points, or any at MAX_DEPTH). */
  private leafPoints: (Int32Array | undefined)[] = [];

  /** Whether leaf `node` holds point i (a deep leaf can hold several coincident points). */
  private holds(node: number, i: number): boolean {
    if (this.point[node] === i) return true;
    const extra = this.leafPoints[node];
    return extra !== undefined && extra.includes(i);
  }

  private newNode(cx: number, cy: number, half: number): number {
    if (this.size === this.cx.length) this.grow();
    const id = this.size++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.half[id] = half;
    this.massX[id] = 0;
    this.massY[id] = 0;
    this.count[id] = 0;
    this.child[id] = -1;
    this.point[id] = -1;
    this.leafPoints[id] = undefined;
    return id;
  }

  private insert(root: number, i: number, y: Float64Array): void {
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let node = root;
    for (let depth = 0; ; depth++) {
      this.count[node]++;
      this.massX[node] += px;
      this.massY[node] += py;
      const first = this.child[node]!;
      if (first === -1) {
        const held = this.point[node]!;
        if (held === -1) {
          this.point[node] = i;
          return;
        }
        if (depth >= MAX_DEPTH || (y[2 * held] === px && y[2 * held + 1] === py)) {
          const extra = this.leafPoints[node];
          this.leafPoints[node] = extra === undefined ? Int32Array.of(i) : Int32Array.from([...extra, i]);
          return;
        }
        this.split(node, y);
      }
      node = this.quadrant(node, px, py);
    }
  }

  /** Turns leaf `node` into four children and moves its point(s), all at one position, into the right one. */
  private split(node: number, y: Float64Array): void {
    const h = this.half[node]! / 2;
    const cx = this.cx[node]!;
    const cy = this.cy[node]!;
    const first = this.newNode(cx - h, cy - h, h);
    this.newNode(cx + h, cy - h, h);
    this.newNode(cx - h, cy + h, h);
    this.newNode(cx + h, cy + h, h);
    this.child[node] = first;
    const held = this.point[node]!;
    this.point[node] = -1;
    const extra = this.leafPoints[node];
    this.leafPoints[node] = undefined;
    const target = this.quadrant(node, y[2 * held]!, y[2 * held + 1]!);
    const c = 1 + (extra?.length ?? 0);
    this.count[target] = c;
    this.massX[target] = c * y[2 * held]!;
    this.massY[target] = c * y[2 * held + 1]!;
    this.point[target] = held;
    this.leafPoints[target] = extra;
  }

  private quadrant(node: number, px: number, py: number): number {
    return this.child[node]! + (px >= this.cx[node]! ? 1 : 0) + (py >= this.cy[node]! ? 2 : 0);
  }

  private grow(): void {
    const c = this.cx.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.cx = grow64(this.cx);
    this.cy = grow64(this.cy);
    this.half = grow64(this.half);
    this.massX = grow64(this.massX);
    this.massY = grow64(this.massY);
    this.count = grow32(this.count);
    this.child = grow32(this.child);
    this.point = grow32(this.point);
  }
}
