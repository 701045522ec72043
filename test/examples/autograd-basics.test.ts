import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExample } from './run.js';

test('autograd basics: grad_fn names, x.grad == x/2, leaf and non-leaf gradients, backward twice', () => {
  const out = runExample('autograd-basics', []);
  assert.match(out, /tensor\(25\., grad_fn=<MulBackward0>\)/);
  assert.match(out, /tensor\(37\.5000, grad_fn=<AddBackward0>\)/);
  assert.match(out, /tensor\(937\.5000\)\n/); // computed under noGrad: no grad_fn
  assert.match(out, /tensor\(2\.5000\) None tensor\(5\.\)/);
  assert.match(out, /x\.grad == x \/ 2: true/);
  assert.match(out, /a\.is_leaf true {2}b\.is_leaf false/);
  assert.match(out, /u\.grad tensor\(\[ 8\., 16\., 24\.\]\) {2}v\.grad tensor\(\[ 4\., {2}8\., 12\.\]\)/);
  assert.match(out, /RuntimeError: Trying to backward through the graph a second time/);
});
