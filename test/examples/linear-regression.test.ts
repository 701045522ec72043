import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertChart, numberAfter, runExample, tempDir } from './run.js';

test('linear regression: both versions fit y = 3x + 0.8 better than they started; the plots decode', () => {
  const out = tempDir('linreg');
  const text = runExample('linear-regression', ['--out', out]);
  const raw = numberAfter(text, /raw version: y =/);
  const nn = numberAfter(text, /nn version: {2}y =/);
  // 300 steps: moving towards w = 3 from a start in [0, 1) (raw) / [-1, 1) (nn.Linear)
  assert.ok(raw > 1.5 && raw < 3.2, `raw w ${raw}`);
  assert.ok(nn > 0 && nn < 3.2, `nn w ${nn}`);
  assert.ok(numberAfter(text, /raw version: .*\(loss/) < 0.5);
  for (const png of ['linear-regression.png', 'linear-regression-loss.png']) {
    assertChart(join(out, png), [3, 500, 800]);
  }
});
