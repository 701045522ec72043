// Optimizer state dicts through PyTorch's file format (seed 003 saves
// optimizer.state_dict() with torch.save and resumes from it):
//   PyTorch -> torchlette: state dicts PyTorch saved after step 10 (test/fixtures/optim/*.pt)
//     load into a fresh optimizer and the next 10 steps equal PyTorch's, bit for bit;
//   torchlette -> torchlette: save to a buffer, load, continue: same;
//   torchlette -> PyTorch: when /usr/bin/python3 has torch, PyTorch loads our file and
//     continues training to PyTorch's own trajectory (skipped elsewhere; CI needs no Python).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { optim } from '../../src/index.js';
import { load, loadFromBuffer, save, saveToBuffer } from '../../src/serialization/index.js';
import { assertParams, fixture, problem, trainStep, twinOf, type OptimizerCase } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const withPt = fixture.optimizers.filter((c) => c.pt !== undefined);

/** Parameters as they were after `steps` steps of the fixture's trajectory. */
function paramsAt(c: OptimizerCase, steps: number) {
  const p = problem(c);
  const values = c.trajectory[steps - 1];
  torch.noGrad(() => {
    p.w.copy_(torch.tensor(values.slice(0, 12), { dtype: c.dtype }).view(3, 4));
    p.b.copy_(torch.tensor(values.slice(12), { dtype: c.dtype }));
  });
  return p;
}

function continueFrom(c: OptimizerCase, sd: optim.OptimizerStateDict): void {
  const p = paramsAt(c, 10);
  const opt = twinOf(c)(p.w, p.b);
  opt.loadStateDict(sd);
  for (let step = 10; step < fixture.steps; step++) {
    trainStep(c, opt, p.loss, step);
    assertParams(c, p.w, p.b, step);
  }
}

describe('optimizer checkpoints written by PyTorch resume exactly', () => {
  for (const c of withPt) {
    test(c.name, () => continueFrom(c, load<optim.OptimizerStateDict>(join(FIXTURES, c.pt as string))));
  }
});

describe('optimizer checkpoints round-trip through torch.save/torch.load', () => {
  for (const c of fixture.optimizers) {
    test(c.name, () => {
      const p = problem(c);
      const opt = twinOf(c)(p.w, p.b);
      for (let step = 0; step < 10; step++) trainStep(c, opt, p.loss, step);
      continueFrom(c, loadFromBuffer<optim.OptimizerStateDict>(saveToBuffer(opt.stateDict())));
    });
  }
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

// For each (checkpoint, case, step-10 parameters): loads our file into a PyTorch optimizer
// over parameters at those values and trains 10 more steps. One process for all cases
// (importing torch takes seconds).
const RESUME_IN_PYTORCH = `
import json, sys
sys.path.insert(0, sys.argv[1])
import torch, optim as fx
results = {}
for path, name, start in json.loads(sys.stdin.read()):
    _, opt_name, kwargs, extra = next(c for c in fx.OPT_CASES if c[0] == name)
    dtype = torch.float64 if extra.get('dtype') == 'float64' else torch.float32
    p = fx.problem(dtype)
    w = torch.tensor(start[:12], dtype=dtype).view(3, 4).requires_grad_(True)
    b = torch.tensor(start[12:], dtype=dtype).requires_grad_(True)
    named = {'w': w, 'b': b}
    params = [dict({'params': [named[n] for n in names]}, **over) for names, over in extra['groups']] if 'groups' in extra else [w, b]
    cls = fx.OPTIMIZERS[opt_name]
    opt = cls(params, extra['positional_lr'], **kwargs) if 'positional_lr' in extra else cls(params, **kwargs)
    opt.load_state_dict(torch.load(path))
    out = []
    for step in range(10, fx.STEPS):
        opt.zero_grad(set_to_none=extra.get('zero_grad', 'none') == 'none')
        fx.loss_fn(p, w, b, step).backward()
        opt.step()
        out.append(fx.flat(w, b))
    results[name] = out
print(json.dumps(results))
`;

describe('PyTorch resumes from optimizer checkpoints torchlette wrote', { skip: hasTorch ? false : 'no /usr/bin/python3 with torch' }, () => {
  test('every optimizer case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'torchlette-optim-'));
    try {
      const jobs = fixture.optimizers.map((c) => {
        const p = problem(c);
        const opt = twinOf(c)(p.w, p.b);
        for (let step = 0; step < 10; step++) trainStep(c, opt, p.loss, step);
        const file = join(dir, `${c.name}.pt`);
        save(opt.stateDict(), file);
        return [file, c.name, c.trajectory[9]];
      });
      const scripts = join(import.meta.dirname, '..', '..', 'scripts', 'fixtures');
      const r = spawnSync(PYTHON, ['-c', RESUME_IN_PYTORCH, scripts], { input: JSON.stringify(jobs), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const results = JSON.parse(r.stdout) as Record<string, number[][]>;
      for (const c of fixture.optimizers) {
        // float32 bit for bit; float64 state carries torchlette's last-bit differences (unfused a + alpha * b).
        const tol = c.dtype === 'float64' ? 1e-13 : 0;
        results[c.name].forEach((values, i) =>
          values.forEach((v, k) => {
            const want = c.trajectory[10 + i][k];
            assert.ok(Math.abs(v - want) <= tol * Math.abs(want), `${c.name}: PyTorch step ${11 + i} element ${k}: got ${v}, expected ${want}`);
          }),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
