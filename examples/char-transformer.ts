// Example 8: a character-level Transformer language model. Token and position embeddings,
// a causal pre-norm nn.TransformerEncoder (masked with Transformer.generateSquareSubsequentMask)
// and a linear head learn to predict the next character of the opening of Alice's Adventures
// in Wonderland (assets/text), trained with Adam on random 32-character windows; then it
// continues a prompt greedily. scripts/fixtures/char_transformer.py is the same program in
// PyTorch: from the same seed it prints the same losses.
//
//   npx tsx examples/char-transformer.ts [--steps 300] [--quick]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'torchlette';
import { nn, optim, type Tensor } from 'torchlette';
import { parseCli } from './lib/cli.js';

const F = nn.functional;

const args = parseCli({
  name: 'char-transformer',
  about: 'A character-level Transformer language model trained with Adam; prints the loss and a sample.',
  options: {
    steps: { type: 'string', help: 'training steps (default 300; --quick 20)' },
    text: { type: 'string', help: 'the training text (default assets/text/alice-chapter1.txt)' },
  },
  out: null,
});

const BLOCK = 32; // context length (characters)
const BATCH = 16;
const D_MODEL = 32;
const NHEAD = 4;
const FF = 64;
const LAYERS = 2;
const LR = 3e-3;

/** Token + position embeddings, a causal pre-norm Transformer encoder, a linear head. */
class CharTransformer extends nn.Module {
  tok: nn.Embedding;
  pos: nn.Embedding;
  encoder: nn.TransformerEncoder;
  head: nn.Linear;

  constructor(vocab: number) {
    super();
    this.tok = new nn.Embedding(vocab, D_MODEL);
    this.pos = new nn.Embedding(BLOCK, D_MODEL);
    const layer = new nn.TransformerEncoderLayer(D_MODEL, NHEAD, FF, { dropout: 0, batchFirst: true, normFirst: true });
    this.encoder = new nn.TransformerEncoder(layer, LAYERS, { norm: new nn.LayerNorm(D_MODEL), enableNestedTensor: false });
    this.head = new nn.Linear(D_MODEL, vocab);
  }

  override forward(x: Tensor): Tensor {
    const t = x.size(1);
    const h = this.tok.forward(x).add(this.pos.forward(torch.arange(t)));
    const mask = nn.Transformer.generateSquareSubsequentMask(t);
    return this.head.forward(this.encoder.forward(h, { mask }));
  }
}

torch.manualSeed(0);
const path = args.string('text') ?? join(fileURLToPath(new URL('..', import.meta.url)), 'assets', 'text', 'alice-chapter1.txt');
const text = readFileSync(path, 'utf8');
const chars = [...new Set(text)].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
const stoi = new Map(chars.map((c, i) => [c, i]));
const data = torch.tensor([...text].map((c) => stoi.get(c) as number), { dtype: 'int64' });
console.log(`text: ${[...text].length} characters, vocabulary of ${chars.length}`);

const model = new CharTransformer(chars.length);
const optimizer = new optim.Adam(model.parameters(), { lr: LR });
let count = 0;
for (const p of model.parameters()) count += p.numel();
console.log(`model: ${count} parameters`);

const steps = args.number('steps', 300, 20);
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const offsets = torch.randint(0, data.size(0) - BLOCK - 1, [BATCH]);
  const idx = offsets.unsqueeze(1).add(torch.arange(BLOCK));
  const x = data.index(idx);
  const y = data.index(idx.add(1));
  const logits = model.forward(x);
  const loss = F.crossEntropy(logits.reshape(-1, chars.length), y.reshape(-1));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  if (steps <= 50 || step === 1 || step % 10 === 0 || step === steps) console.log(`step ${String(step).padStart(4)}  loss ${Number(loss.item()).toFixed(6)}`);
}
console.log(`trained ${steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Greedy continuation of a prompt.
model.eval();
const context = [...'Alice '].map((c) => stoi.get(c) as number);
torch.noGrad(() => {
  for (let i = 0; i < (steps >= 100 ? 80 : 20); i++) {
    const logits = model.forward(torch.tensor([context.slice(-BLOCK)], { dtype: 'int64' }));
    context.push(logits.select(0, 0).select(0, -1).argmax().item() as number);
  }
});
console.log(`sample: ${JSON.stringify(context.map((i) => chars[i]).join(''))}`);
