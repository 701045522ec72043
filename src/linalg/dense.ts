// Dense linear algebra on one small row-major matrix held in a Float64Array: the
// LAPACK routines PyTorch calls on the CPU (getrf/getrs, potrf, trsm, geqrf/orgqr),
// a one-sided Jacobi SVD and a cyclic Jacobi symmetric eigensolver. Everything
// accumulates in float64; callers convert to and from the tensor's dtype.

/** LU with partial pivoting in place (LAPACK getrf): pivots are 1-based; returns info (first zero pivot, 1-based, or 0). */
export function getrf(a: Float64Array, m: number, n: number, piv: Int32Array): number {
  let info = 0;
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    let p = j;
    let best = Math.abs(a[j * n + j]);
    for (let i = j + 1; i < m; i++) {
      const v = Math.abs(a[i * n + j]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[j] = p + 1;
    if (a[p * n + j] !== 0) {
      if (p !== j) {
        for (let c = 0; c < n; c++) {
          const t = a[j * n + c];
          a[j * n + c] = a[p * n + c];
          a[p * n + c] = t;
        }
      }
      const inv = 1 / a[j * n + j];
      for (let i = j + 1; i < m; i++) a[i * n + j] *= inv;
    } else if (info === 0) {
      info = j + 1;
    }
    for (let i = j + 1; i < m; i++) {
      const l = a[i * n + j];
      if (l === 0) continue;
      for (let c = j + 1; c < n; c++) a[i * n + c] -= l * a[j * n + c];
    }
  }
  return info;
}

/** Solves A X = B (trans: A^T X = B) from getrf's factors; b is n x k, overwritten. */
export function getrs(lu: Float64Array, piv: Int32Array, n: number, b: Float64Array, k: number, trans = false): void {
  if (!trans) {
    for (let i = 0; i < n; i++) {
      const p = piv[i] - 1;
      if (p !== i) for (let c = 0; c < k; c++) {
        const t = b[i * k + c];
        b[i * k + c] = b[p * k + c];
        b[p * k + c] = t;
      }
    }
    trsm(lu, n, b, k, false, true, false);
    trsm(lu, n, b, k, true, false, false);
  } else {
    trsm(lu, n, b, k, true, false, true);
    trsm(lu, n, b, k, false, true, true);
    for (let i = n - 1; i >= 0; i--) {
      const p = piv[i] - 1;
      if (p !== i) for (let c = 0; c < k; c++) {
        const t = b[i * k + c];
        b[i * k + c] = b[p * k + c];
        b[p * k + c] = t;
      }
    }
  }
}

/**
 * Solves op(T) X = B in place for a triangular n x n T (upper or lower, optionally with a
 * unit diagonal; trans uses T^T); b is n x k.
 */
export function trsm(t: Float64Array, n: number, b: Float64Array, k: number, upper: boolean, unit: boolean, trans = false): void {
  // op(T) is upper when (upper xor trans).
  const effUpper = upper !== trans;
  const at = trans ? (i: number, j: number) => t[j * n + i] : (i: number, j: number) => t[i * n + j];
  if (effUpper) {
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++) {
        const f = at(i, j);
        if (f === 0) continue;
        for (let c = 0; c < k; c++) b[i * k + c] -= f * b[j * k + c];
      }
      if (!unit) {
        const d = at(i, i);
        for (let c = 0; c < k; c++) b[i * k + c] /= d;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const f = at(i, j);
        if (f === 0) continue;
        for (let c = 0; c < k; c++) b[i * k + c] -= f * b[j * k + c];
      }
      if (!unit) {
        const d = at(i, i);
        for (let c = 0; c < k; c++) b[i * k + c] /= d;
      }
    }
  }
}

/** Cholesky A = L L^T in place (lower triangle; the upper is zeroed). Returns info (order of the failing minor, or 0). */
export function potrf(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return j + 1;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
  return 0;
}

/** Householder QR in place (LAPACK geqrf): R on and above the diagonal, reflectors below, tau (min(m,n)). */
export function geqrf(a: Float64Array, m: number, n: number, tau: Float64Array): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const alpha = a[j * n + j];
    let xnorm = 0;
    for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[i * n + j]);
    if (xnorm === 0) {
      tau[j] = 0;
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) a[i * n + j] *= scale;
    a[j * n + j] = beta;
    // Apply H = I - tau v v^T (v_j = 1) to the trailing columns.
    for (let c = j + 1; c < n; c++) {
      let s = a[j * n + c];
      for (let i = j + 1; i < m; i++) s += a[i * n + j] * a[i * n + c];
      s *= tau[j];
      a[j * n + c] -= s;
      for (let i = j + 1; i < m; i++) a[i * n + c] -= s * a[i * n + j];
    }
  }
}

/** The first `cols` columns of Q = H_1 … H_k from geqrf's reflectors (LAPACK orgqr); a is m x n, result m x cols. */
export function orgqr(a: Float64Array, m: number, n: number, k: number, tau: Float64Array, cols: number): Float64Array {
  const q = new Float64Array(m * cols);
  for (let i = 0; i < Math.min(m, cols); i++) q[i * cols + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[j];
    if (t === 0) continue;
    for (let c = 0; c < cols; c++) {
      let s = q[j * cols + c];
      for (let i = j + 1; i < m; i++) s += a[i * n + j] * q[i * cols + c];
      s *= t;
      q[j * cols + c] -= s;
      for (let i = j + 1; i < m; i++) q[i * cols + c] -= s * a[i * n + j];
    }
  }
  return q;
}

/** Completes the orthonormal columns `have` of an m x cols matrix u (the others are overwritten) by Gram-Schmidt. */
function completeColumns(u: Float64Array, m: number, cols: number, have: boolean[]): void {
  for (let c = 0; c < cols; c++) {
    if (have[c]) continue;
    let bestVec: Float64Array | null = null;
    let bestNorm = -1;
    for (let e = 0; e < m; e++) {
      const v = new Float64Array(m);
      v[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let d = 0; d < cols; d++) {
          if (!have[d]) continue;
          let s = 0;
          for (let i = 0; i < m; i++) s += u[i * cols + d] * v[i];
          for (let i = 0; i < m; i++) v[i] -= s * u[i * cols + d];
        }
      }
      let nrm = 0;
      for (let i = 0; i < m; i++) nrm += v[i] * v[i];
      if (nrm > bestNorm + 1e-12) {
        bestNorm = nrm;
        bestVec = v;
      }
    }
    const v = bestVec as Float64Array;
    const inv = 1 / Math.sqrt(bestNorm);
    for (let i = 0; i < m; i++) u[i * cols + c] = v[i] * inv;
    have[c] = true;
  }
}

export interface Svd {
  u: Float64Array; // m x ucols
  s: Float64Array; // k
  vh: Float64Array; // vrows x n
}

/**
 * SVD by one-sided Jacobi: singular values descending; U is m x k (m x m when full), Vh is
 * k x n (n x n when full). Singular vectors' signs are this algorithm's, not LAPACK's.
 */
export function svd(a: Float64Array, m: number, n: number, full: boolean): Svd {
  if (m < n) {
    const at = transpose(a, m, n);
    const r = svd(at, n, m, full);
    const k = m;
    const ucols = full ? n : k;
    const vrows = full ? m : k;
    // A^T = U' S V'^T: A = V' S U'^T, so U = V' (m x vrows'), Vh = U'^T.
    return { u: transpose(r.vh, vrows, m), s: r.s, vh: transpose(r.u, n, ucols) };
  }
  const k = n;
  const w = a.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p];
          const y = w[i * n + q];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p];
          const y = w[i * n + q];
          w[i * n + p] = c * x - s * y;
          w[i * n + q] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p];
          const y = v[i * n + q];
          v[i * n + p] = c * x - s * y;
          v[i * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[i * n + j] * w[i * n + j];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const ucols = full ? m : k;
  const u = new Float64Array(m * ucols);
  const s = new Float64Array(k);
  const vh = new Float64Array(n * n);
  const have: boolean[] = new Array<boolean>(ucols).fill(false);
  const tiny = (norms[order[0]] || 0) * Math.max(m, n) * eps;
  for (let r = 0; r < k; r++) {
    const j = order[r];
    s[r] = norms[j];
    for (let i = 0; i < n; i++) vh[r * n + i] = v[i * n + j];
    if (norms[j] > tiny && norms[j] > 0) {
      for (let i = 0; i < m; i++) u[i * ucols + r] = w[i * n + j] / norms[j];
      have[r] = true;
    }
  }
  completeColumns(u, m, ucols, have);
  return { u, s, vh };
}

/** Symmetric eigendecomposition by cyclic Jacobi: eigenvalues ascending, eigenvectors as columns of v (n x n). */
export function eigh(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const s = a.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const x = s[i * n + j] * s[i * n + j];
      total += x;
      if (i !== j) off += x;
    }
    if (off === 0 || off <= 1e-32 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const app = s[p * n + p];
        const aqq = s[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const x = s[k * n + p];
          const y = s[k * n + q];
          s[k * n + p] = c * x - sn * y;
          s[k * n + q] = sn * x + c * y;
        }
        for (let k = 0; k < n; k++) {
          const x = s[p * n + k];
          const y = s[q * n + k];
          s[p * n + k] = c * x - sn * y;
          s[q * n + k] = sn * x + c * y;
        }
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const x = v[k * n + p];
          const y = v[k * n + q];
          v[k * n + p] = c * x - sn * y;
          v[k * n + q] = sn * x + c * y;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => s[x * n + x] - s[y * n + y]);
  const w = new Float64Array(n);
  const vs = new Float64Array(n * n);
  order.forEach((j, r) => {
    w[r] = s[j * n + j];
    for (let i = 0; i < n; i++) vs[i * n + r] = v[i * n + j];
  });
  return { w, v: vs };
}

export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return out;
}

export function matmulDense(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
    const x = a[i * k + p];
    if (x === 0) continue;
    for (let j = 0; j < n; j++) out[i * n + j] += x * b[p * n + j];
  }
  return out;
}

/** exp(A) by scaling and squaring with a degree-13 Padé approximant (Higham 2005). */
export function expm(a: Float64Array, n: number): Float64Array {
  let norm1 = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    norm1 = Math.max(norm1, s);
  }
  const theta13 = 5.371920351148152;
  const sPow = norm1 > theta13 ? Math.max(0, Math.ceil(Math.log2(norm1 / theta13))) : 0;
  const scale = 2 ** -sPow;
  const A = a.map((x) => x * scale);
  const b = [64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1];
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  const A2 = matmulDense(A, A, n, n, n);
  const A4 = matmulDense(A2, A2, n, n, n);
  const A6 = matmulDense(A4, A2, n, n, n);
  const lin = (cs: number[], ms: Float64Array[]) => {
    const out = new Float64Array(n * n);
    cs.forEach((c, t) => {
      for (let i = 0; i < n * n; i++) out[i] += c * ms[t][i];
    });
    return out;
  };
  const u1 = lin([b[13], b[11], b[9]], [A6, A4, A2]);
  const u2 = matmulDense(A6, u1, n, n, n);
  const uIn = lin([1, b[7], b[5], b[3], b[1]], [u2, A6, A4, A2, I]);
  const U = matmulDense(A, uIn, n, n, n);
  const v1 = lin([b[12], b[10], b[8]], [A6, A4, A2]);
  const v2 = matmulDense(A6, v1, n, n, n);
  const V = lin([1, b[6], b[4], b[2], b[0]], [v2, A6, A4, A2, I]);
  const P = new Float64Array(n * n);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    P[i] = V[i] + U[i];
    Q[i] = V[i] - U[i];
  }
  const piv = new Int32Array(n);
  getrf(Q, n, n, piv);
  getrs(Q, piv, n, P, n);
  let R: Float64Array = P;
  for (let i = 0; i < sPow; i++) R = matmulDense(R, R, n, n, n);
  return R;
}

/**
 * Symmetric indefinite LDL^T with Bunch-Kaufman pivoting, lower (LAPACK sytf2 'L'): the
 * factor in the lower triangle, pivots 1-based (negative for 2x2 blocks). Returns info.
 */
export function sytrf(a: Float64Array, n: number, ipiv: Int32Array): number {
  const A = (i: number, j: number) => a[(i - 1) * n + (j - 1)];
  const set = (i: number, j: number, v: number) => {
    a[(i - 1) * n + (j - 1)] = v;
  };
  const swap = (i1: number, j1: number, i2: number, j2: number) => {
    const t = A(i1, j1);
    set(i1, j1, A(i2, j2));
    set(i2, j2, t);
  };
  const alpha = (1 + Math.sqrt(17)) / 8;
  let info = 0;
  let k = 1;
  while (k <= n) {
    let kstep = 1;
    let kp = k;
    const absakk = Math.abs(A(k, k));
    let imax = k;
    let colmax = 0;
    for (let i = k + 1; i <= n; i++) {
      if (Math.abs(A(i, k)) > colmax) {
        colmax = Math.abs(A(i, k));
        imax = i;
      }
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k;
      kp = k;
    } else {
      if (absakk >= alpha * colmax) kp = k;
      else {
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(A(imax, j)));
        for (let j = imax + 1; j <= n; j++) rowmax = Math.max(rowmax, Math.abs(A(j, imax)));
        if (absakk >= alpha * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(A(imax, imax)) >= alpha * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        for (let i = kp + 1; i <= n; i++) swap(i, kk, i, kp);
        for (let j = kk + 1; j < kp; j++) swap(j, kk, kp, j);
        swap(kk, kk, kp, kp);
        if (kstep === 2) swap(k + 1, k, kp, k);
      }
      if (kstep === 1) {
        if (k < n) {
          const d11 = 1 / A(k, k);
          for (let j = k + 1; j <= n; j++) {
            const xj = A(j, k);
            for (let i = j; i <= n; i++) set(i, j, A(i, j) - d11 * A(i, k) * xj);
          }
          for (let i = k + 1; i <= n; i++) set(i, k, A(i, k) * d11);
        }
      } else if (k < n - 1) {
        let d21 = A(k + 1, k);
        const d11 = A(k + 1, k + 1) / d21;
        const d22 = A(k, k) / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j <= n; j++) {
          const wk = d21 * (d11 * A(j, k) - A(j, k + 1));
          const wkp1 = d21 * (d22 * A(j, k + 1) - A(j, k));
          for (let i = j; i <= n; i++) set(i, j, A(i, j) - A(i, k) * wk - A(i, k + 1) * wkp1);
          set(j, k, wk);
          set(j, k + 1, wkp1);
        }
      }
    }
    if (kstep === 1) ipiv[k - 1] = kp;
    else {
      ipiv[k - 1] = -kp;
      ipiv[k] = -kp;
    }
    k += kstep;
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
  return info;
}

/** Solves A X = B from sytrf's factors (LAPACK sytrs 'L'); b is n x m, overwritten. */
export function sytrs(a: Float64Array, n: number, ipiv: Int32Array, b: Float64Array, m: number): void {
  const A = (i: number, j: number) => a[(i - 1) * n + (j - 1)];
  const B = (i: number, j: number) => b[(i - 1) * m + j];
  const setB = (i: number, j: number, v: number) => {
    b[(i - 1) * m + j] = v;
  };
  const swapRows = (r1: number, r2: number) => {
    for (let j = 0; j < m; j++) {
      const t = B(r1, j);
      setB(r1, j, B(r2, j));
      setB(r2, j, t);
    }
  };
  let k = 1;
  while (k <= n) {
    if (ipiv[k - 1] > 0) {
      const kp = ipiv[k - 1];
      if (kp !== k) swapRows(k, kp);
      for (let i = k + 1; i <= n; i++) for (let j = 0; j < m; j++) setB(i, j, B(i, j) - A(i, k) * B(k, j));
      for (let j = 0; j < m; j++) setB(k, j, B(k, j) / A(k, k));
      k += 1;
    } else {
      const kp = -ipiv[k - 1];
      if (kp !== k + 1) swapRows(k + 1, kp);
      for (let i = k + 2; i <= n; i++) for (let j = 0; j < m; j++) setB(i, j, B(i, j) - A(i, k) * B(k, j) - A(i, k + 1) * B(k + 1, j));
      const akm1k = A(k + 1, k);
      const akm1 = A(k, k) / akm1k;
      const ak = A(k + 1, k + 1) / akm1k;
      const denom = akm1 * ak - 1;
      for (let j = 0; j < m; j++) {
        const bkm1 = B(k, j) / akm1k;
        const bk = B(k + 1, j) / akm1k;
        setB(k, j, (ak * bkm1 - bk) / denom);
        setB(k + 1, j, (akm1 * bk - bkm1) / denom);
      }
      k += 2;
    }
  }
  k = n;
  while (k >= 1) {
    if (ipiv[k - 1] > 0) {
      for (let j = 0; j < m; j++) {
        let s = B(k, j);
        for (let i = k + 1; i <= n; i++) s -= A(i, k) * B(i, j);
        setB(k, j, s);
      }
      const kp = ipiv[k - 1];
      if (kp !== k) swapRows(k, kp);
      k -= 1;
    } else {
      for (let j = 0; j < m; j++) {
        let s = B(k, j);
        let s1 = B(k - 1, j);
        for (let i = k + 1; i <= n; i++) {
          s -= A(i, k) * B(i, j);
          s1 -= A(i, k - 1) * B(i, j);
        }
        setB(k, j, s);
        setB(k - 1, j, s1);
      }
      const kp = -ipiv[k - 1];
      if (kp !== k) swapRows(k, kp);
      k -= 2;
    }
  }
}
