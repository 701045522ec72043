// Python's `random` module (CPython's Mersenne Twister, seeded by init_by_array), for
// the transforms torchvision draws with it rather than with torch's generator:
// RandomOrder (random.shuffle) and RandomChoice (random.choices). `random.seed(s)`
// here reproduces Python's `random.seed(s)`, as torch.manualSeed reproduces torch's;
// DataLoader workers seed it with baseSeed + id, as PyTorch's worker loop does.
const N = 624;
const M = 397;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;
  /** gauss()'s second value of its last pair (Python's gauss_next), null when none is waiting. */
  private gaussNext: number | null = null;

  constructor(seed?: number | bigint) {
    this.seed(seed ?? BigInt(Math.floor(Math.random() * 2 ** 52)) * 4096n + BigInt(Date.now() % 4096));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /** random.seed(n) for an integer n: init_by_array over the 32-bit words of |n|. */
  seed(n: number | bigint): void {
    if (typeof n === 'number' && !Number.isInteger(n)) throw new TypeError('seed must be an integer (Python hashes other seeds; pass an int)');
    let v = BigInt(n);
    if (v < 0n) v = -v;
    const key: number[] = [];
    while (v > 0n) {
      key.push(Number(v & 0xffffffffn));
      v >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
    this.gaussNext = null;
  }

  private genrand(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getstate() as plain data (restorable with setState). */
  getState(): { mt: Uint32Array; index: number; gaussNext: number | null } {
    return { mt: this.mt.slice(), index: this.index, gaussNext: this.gaussNext };
  }

  setState(state: { mt: Uint32Array; index: number; gaussNext?: number | null }): void {
    this.mt.set(state.mt);
    this.index = state.index;
    this.gaussNext = state.gaussNext ?? null;
  }

  /** random.random(): a float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.genrand() >>> 5;
    const b = this.genrand() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** random.getrandbits(k) for k <= 32. */
  private bits(k: number): number {
    return k === 0 ? 0 : this.genrand() >>> (32 - k);
  }

  /**
   * random.getrandbits(k): an integer of k random bits, from 32-bit words least significant
   * first as CPython draws them; a number up to k = 53 (exact), a bigint above.
   */
  getrandbits(k: number): number | bigint {
    if (!Number.isInteger(k)) throw new TypeError(`'${typeof k === 'number' ? 'float' : typeof k}' object cannot be interpreted as an integer`);
    if (k < 0) throw new RangeError('number of bits must be non-negative');
    if (k <= 32) return this.bits(k);
    let v = 0n;
    for (let shift = 0n, left = k; left > 0; left -= 32, shift += 32n) {
      const w = left >= 32 ? this.genrand() : this.genrand() >>> (32 - left);
      v |= BigInt(w) << shift;
    }
    return k <= 53 ? Number(v) : v;
  }

  /** random.uniform(a, b): a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** random.gauss(mu=0, sigma=1): Box-Muller on two random() draws, the pair's second value kept for the next call. */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * 2 * Math.PI;
      const g2rad = Math.sqrt(-2 * Math.log(1 - this.random()));
      z = Math.cos(x2pi) * g2rad;
      this.gaussNext = Math.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  /** random.normalvariate(mu=0, sigma=1): Kinderman and Monahan's ratio method, as CPython. */
  normalvariate(mu = 0, sigma = 1): number {
    const NV_MAGICCONST = (4 * Math.exp(-0.5)) / Math.sqrt(2);
    for (;;) {
      const u1 = this.random();
      const u2 = 1 - this.random();
      const z = (NV_MAGICCONST * (u1 - 0.5)) / u2;
      if ((z * z) / 4 <= -Math.log(u2)) return mu + z * sigma;
    }
  }

  /** random.expovariate(lambd): -log(1 - random()) / lambd. */
  expovariate(lambd: number): number {
    return -Math.log(1 - this.random()) / lambd;
  }

  /**
   * random.sample(population, k): k distinct elements in selection order, by CPython 3.11's
   * two methods (a shrinking pool for small populations, rejection on a set of indices for
   * large ones), so a seed gives Python's sample.
   */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k)) throw new TypeError(`'float' object cannot be interpreted as an integer`);
    if (k < 0 || k > n) throw new RangeError('Sample larger than population or is negative');
    const result: T[] = new Array(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j];
      }
    }
    return result;
  }

  /** random._randbelow(n): rejection sampling on bit_length(n) bits. */
  randbelow(n: number): number {
    if (n <= 0) return 0;
    if (n > 2 ** 32) throw new RangeError('randbelow supports n up to 2^32');
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  /** random.randrange(stop) / randrange(start, stop) (step 1): start + _randbelow(stop - start), as CPython 3.11. */
  randrange(start: number, stop?: number): number {
    if (stop === undefined) [start, stop] = [0, start];
    if (!Number.isInteger(start)) throw new TypeError('non-integer arg 1 for randrange()');
    if (!Number.isInteger(stop)) throw new TypeError('non-integer stop for randrange()');
    const width = stop - start;
    if (width <= 0) throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
    return start + this.randbelow(width);
  }

  /** random.randint(a, b): an integer in [a, b], both ends included (randrange(a, b + 1)). */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** random.choice(seq): seq[_randbelow(len(seq))]. */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError('Cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)];
  }

  /** random.shuffle(x), in place. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }

  /** random.choices(population, weights=None, k=1) */
  choices<T>(population: readonly T[], weights: readonly number[] | null = null, k = 1): T[] {
    const n = population.length;
    const out: T[] = [];
    if (weights === null) {
      for (let i = 0; i < k; i++) out.push(population[Math.floor(this.random() * n)]);
      return out;
    }
    const cum: number[] = [];
    let acc = 0;
    for (const w of weights) cum.push((acc += w));
    if (cum.length !== n) throw new RangeError('The number of weights does not match the population');
    const total = cum[n - 1] ?? 0;
    if (total <= 0) throw new RangeError('Total of weights must be greater than zero');
    if (!Number.isFinite(total)) throw new RangeError('Total of weights must be finite');
    for (let i = 0; i < k; i++) {
      const x = this.random() * total;
      // bisect_right(cum, x, 0, n - 1)
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x < cum[mid]) hi = mid;
        else lo = mid + 1;
      }
      out.push(population[lo]);
    }
    return out;
  }
}

/** The module-level generator, as Python's `random` functions share one: `random.seed(0)`. */
export const random = new PythonRandom();
