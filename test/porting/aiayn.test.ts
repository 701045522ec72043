// jadore801120/attention-is-all-you-need-pytorch transcribed line for line: transformer/Models.py (get_pad_mask,
// get_subsequent_mask, PositionalEncoding with its register_buffer'd sinusoid table, Encoder / Decoder,
// Transformer with xavier_uniform_ and the two weight-sharing flags, the in-place `*=` scalings),
// transformer/Layers.py, transformer/SubLayers.py (MultiHeadAttention, PositionwiseFeedForward, `+= residual`),
// transformer/Modules.py (ScaledDotProductAttention), transformer/Optim.py (ScheduledOptim), train.py
// (cal_performance / cal_loss with label smoothing through zeros_like().scatter(), patch_src / patch_trg,
// train_epoch / eval_epoch, train() with print_performances, its log files and the best checkpoint through
// torch.save), translate.py's load_model (torch.load + load_state_dict) and transformer/Translator.py's beam
// search; against the same program run by PyTorch 1.13 (scripts/fixtures/porting_aiayn.py, which gives the
// commit and the reductions: a synthetic reversal task over 12 tokens, d_model 32, 2 layers, 48 Adam steps,
// beam size 3). Dropout (0.1) stays on; torch.manual_seed on both sides gives PyTorch's streams.
//
// Language differences written out by hand (not torchlette's):
// - NumPy's float64 arrays (the sinusoid table) are float64 tensors, np.power is Math.pow, and
//   torch.FloatTensor(ndarray) is torch.FloatTensor(table.tolist());
// - argparse's Namespace is a plain object (`settings` in the checkpoint is its values, as in the fixture);
// - str.format's '{v: 8.5f}' / '{v:3.3f}' / '{h:12}' is pyFmt / padEnd; open(..., 'a').write is appendFileSync;
// - `x += y` / `x *= s` on tensors are add_ / mul_ (Python's in-place operators on tensors);
// - `a // b` and `a % b` of tensors are floorDivide / remainder; `~mask` is bitwiseNot;
// - `enc_output, *_ = self.encoder(...)` takes element 0 of the returned array.
// Where torchlette diverges from PyTorch the spot is marked DIVERGENCE.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const fx = loadFixture<Record<string, Any>>('porting_aiayn.json');
const TMP = join(tmpdir(), `porting-aiayn-${process.pid}-${process.env.TORCHLETTE_BACKEND ?? 'default'}`);
const PY_TMP = '/tmp/porting_aiayn';
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

const LOG = {
  printed: [] as string[],
  steps: [] as [number, number, number, number][],
  evalSteps: [] as [number, number, number][],
  epochs: [] as [number, number, number, number][],
};
const print = (...args: unknown[]) => LOG.printed.push(args.map(String).join(' '));

function close(got: number, want: number, rtol: number, label: string, atol = 1e-6): void {
  assert.ok(Math.abs(got - want) <= rtol * Math.abs(want) + atol, `${label}: got ${got}, expected ${want}`);
}
const tsum = (t: Tensor): number => Number(t.detach().double().sum().item());

/**
 * Lines of printed text with fixed-point numbers in them: the text must be the same and each number the same up
 * to one unit in its last printed place. The losses summed into ppl differ from PyTorch's in float32's last bit
 * now and then, which can flip the 5th decimal of a ppl; and Python's float `**` (C's pow, correctly rounded)
 * and JavaScript's (V8's pow) can differ in the last bit (32 ** -0.5 is 0.1767766952966369 in Python,
 * 0.17677669529663687 in JavaScript), which makes ScheduledOptim's lr 0.015625000000000003 there and
 * 0.015624999999999997 here, printed 0.01563 and 0.01562: a language difference, not torchlette's.
 */
function assertLines(got: string[], want: string[], label: string): void {
  assert.equal(got.length, want.length, `${label}: number of lines`);
  const num = /(-?\d+\.\d+)/;
  got.forEach((g, i) => {
    const a = g.split(num);
    const b = want[i].split(num);
    assert.equal(a.length, b.length, `${label}[${i}]: ${g} vs ${want[i]}`);
    for (let j = 0; j < b.length; j++) {
      if (j % 2 === 0) assert.equal(a[j], b[j], `${label}[${i}]: ${g} vs ${want[i]}`);
      else close(Number(a[j]), Number(b[j]), 1e-5, `${label}[${i}]: ${g} vs ${want[i]}`, 1.01 * 10 ** -b[j].split('.')[1].length);
    }
  });
}

/** Python's format spec [ ][width].[prec]f of a float. */
function pyFmt(v: number, prec: number, width = 0, space = false): string {
  let s = v.toFixed(prec);
  if (space && !s.startsWith('-')) s = ` ${s}`;
  return s.padStart(width);
}

// ============================================================== transformer/Modules.py
class ScaledDotProductAttention extends nn.Module {
  // Scaled Dot-Product Attention
  temperature: number;
  dropout: nn.Dropout;

  constructor(temperature: number, attnDropout = 0.1) {
    super();
    this.temperature = temperature;
    this.dropout = new nn.Dropout(attnDropout);
  }

  override forward(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
    let attn = torch.matmul(q.div(this.temperature), k.transpose(2, 3));

    if (mask !== null) {
      attn = attn.maskedFill(mask.eq(0), -1e9);
    }

    attn = this.dropout.forward(F.softmax(attn, { dim: -1 }));
    const output = torch.matmul(attn, v);

    return [output, attn];
  }
}

// ============================================================== transformer/SubLayers.py
class MultiHeadAttention extends nn.Module {
  // Multi-Head Attention module
  n_head: number;
  d_k: number;
  d_v: number;
  w_qs: nn.Linear;
  w_ks: nn.Linear;
  w_vs: nn.Linear;
  fc: nn.Linear;
  attention: ScaledDotProductAttention;
  dropout: nn.Dropout;
  layer_norm: nn.LayerNorm;

  constructor(nHead: number, dModel: number, dK: number, dV: number, dropout = 0.1) {
    super();

    this.n_head = nHead;
    this.d_k = dK;
    this.d_v = dV;

    this.w_qs = new nn.Linear(dModel, nHead * dK, { bias: false });
    this.w_ks = new nn.Linear(dModel, nHead * dK, { bias: false });
    this.w_vs = new nn.Linear(dModel, nHead * dV, { bias: false });
    this.fc = new nn.Linear(nHead * dV, dModel, { bias: false });

    this.attention = new ScaledDotProductAttention(dK ** 0.5);

    this.dropout = new nn.Dropout(dropout);
    this.layer_norm = new nn.LayerNorm(dModel, { eps: 1e-6 });
  }

  override forward(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
    const [dK, dV, nHead] = [this.d_k, this.d_v, this.n_head];
    const [szB, lenQ, lenK, lenV] = [q.size(0), q.size(1), k.size(1), v.size(1)];

    const residual = q;

    // Pass through the pre-attention projection: b x lq x (n*dv)
    // Separate different heads: b x lq x n x dv
    q = this.w_qs.forward(q).view(szB, lenQ, nHead, dK);
    k = this.w_ks.forward(k).view(szB, lenK, nHead, dK);
    v = this.w_vs.forward(v).view(szB, lenV, nHead, dV);

    // Transpose for attention dot product: b x n x lq x dv
    [q, k, v] = [q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)];

    if (mask !== null) {
      mask = mask.unsqueeze(1); // For head axis broadcasting.
    }

    let attn: Tensor;
    [q, attn] = this.attention.forward(q, k, v, mask);

    // Transpose to move the head dimension back: b x lq x n x dv
    // Combine the last two dimensions to concatenate all the heads together: b x lq x (n*dv)
    q = q.transpose(1, 2).contiguous().view(szB, lenQ, -1);
    q = this.dropout.forward(this.fc.forward(q));
    q.add_(residual);

    q = this.layer_norm.forward(q);

    return [q, attn];
  }
}

class PositionwiseFeedForward extends nn.Module {
  // A two-feed-forward-layer module
  w_1: nn.Linear;
  w_2: nn.Linear;
  layer_norm: nn.LayerNorm;
  dropout: nn.Dropout;

  constructor(dIn: number, dHid: number, dropout = 0.1) {
    super();
    this.w_1 = new nn.Linear(dIn, dHid); // position-wise
    this.w_2 = new nn.Linear(dHid, dIn); // position-wise
    this.layer_norm = new nn.LayerNorm(dIn, { eps: 1e-6 });
    this.dropout = new nn.Dropout(dropout);
  }

  override forward(x: Tensor): Tensor {
    const residual = x;

    x = this.w_2.forward(F.relu(this.w_1.forward(x)));
    x = this.dropout.forward(x);
    x.add_(residual);

    x = this.layer_norm.forward(x);

    return x;
  }
}

// ============================================================== transformer/Layers.py
class EncoderLayer extends nn.Module {
  // Compose with two layers
  slf_attn: MultiHeadAttention;
  pos_ffn: PositionwiseFeedForward;

  constructor(dModel: number, dInner: number, nHead: number, dK: number, dV: number, dropout = 0.1) {
    super();
    this.slf_attn = new MultiHeadAttention(nHead, dModel, dK, dV, dropout);
    this.pos_ffn = new PositionwiseFeedForward(dModel, dInner, dropout);
  }

  override forward(encInput: Tensor, slfAttnMask: Tensor | null = null): [Tensor, Tensor] {
    let [encOutput, encSlfAttn] = this.slf_attn.forward(encInput, encInput, encInput, slfAttnMask);
    encOutput = this.pos_ffn.forward(encOutput);
    return [encOutput, encSlfAttn];
  }
}

class DecoderLayer extends nn.Module {
  // Compose with three layers
  slf_attn: MultiHeadAttention;
  enc_attn: MultiHeadAttention;
  pos_ffn: PositionwiseFeedForward;

  constructor(dModel: number, dInner: number, nHead: number, dK: number, dV: number, dropout = 0.1) {
    super();
    this.slf_attn = new MultiHeadAttention(nHead, dModel, dK, dV, dropout);
    this.enc_attn = new MultiHeadAttention(nHead, dModel, dK, dV, dropout);
    this.pos_ffn = new PositionwiseFeedForward(dModel, dInner, dropout);
  }

  override forward(decInput: Tensor, encOutput: Tensor, slfAttnMask: Tensor | null = null, decEncAttnMask: Tensor | null = null): [Tensor, Tensor, Tensor] {
    let [decOutput, decSlfAttn] = this.slf_attn.forward(decInput, decInput, decInput, slfAttnMask);
    let decEncAttn: Tensor;
    [decOutput, decEncAttn] = this.enc_attn.forward(decOutput, encOutput, encOutput, decEncAttnMask);
    decOutput = this.pos_ffn.forward(decOutput);
    return [decOutput, decSlfAttn, decEncAttn];
  }
}

// ============================================================== transformer/Models.py
function getPadMask(seq: Tensor, padIdx: number): Tensor {
  return seq.ne(padIdx).unsqueeze(-2);
}

function getSubsequentMask(seq: Tensor): Tensor {
  // For masking out the subsequent info.
  const [, lenS] = seq.size();
  const subsequentMask = torch.rsub(torch.triu(torch.ones([1, lenS, lenS], { device: seq.device }), { diagonal: 1 }), 1).bool();
  return subsequentMask;
}

class PositionalEncoding extends nn.Module {
  declare pos_table: Tensor;

  constructor(dHid: number, nPosition = 200) {
    super();

    // Not a parameter
    this.registerBuffer('pos_table', this._get_sinusoid_encoding_table(nPosition, dHid));
  }

  _get_sinusoid_encoding_table(nPosition: number, dHid: number): Tensor {
    // Sinusoid position encoding table
    const getPositionAngleVec = (position: number): number[] =>
      Array.from({ length: dHid }, (_, hidJ) => position / Math.pow(10000, (2 * Math.floor(hidJ / 2)) / dHid));

    const sinusoidTable = torch.tensor(Array.from({ length: nPosition }, (_, posI) => getPositionAngleVec(posI)), { dtype: torch.float64 });
    sinusoidTable.indexPut_([':', '0::2'], torch.sin(sinusoidTable.index(':', '0::2'))); // dim 2i
    sinusoidTable.indexPut_([':', '1::2'], torch.cos(sinusoidTable.index(':', '1::2'))); // dim 2i+1

    return torch.FloatTensor(sinusoidTable.tolist() as number[][]).unsqueeze(0);
  }

  override forward(x: Tensor): Tensor {
    return x.add(this.pos_table.index(':', `:${x.size(1)}`).clone().detach());
  }
}

class Encoder extends nn.Module {
  // A encoder model with self attention mechanism.
  src_word_emb: nn.Embedding;
  position_enc: PositionalEncoding;
  dropout: nn.Dropout;
  layer_stack: nn.ModuleList;
  layer_norm: nn.LayerNorm;
  scale_emb: boolean;
  d_model: number;

  constructor(a: {
    n_src_vocab: number; d_word_vec: number; n_layers: number; n_head: number; d_k: number; d_v: number;
    d_model: number; d_inner: number; pad_idx: number; dropout?: number; n_position?: number; scale_emb?: boolean;
  }) {
    super();
    const { dropout = 0.1, n_position = 200, scale_emb = false } = a;

    this.src_word_emb = new nn.Embedding(a.n_src_vocab, a.d_word_vec, { paddingIdx: a.pad_idx });
    this.position_enc = new PositionalEncoding(a.d_word_vec, n_position);
    this.dropout = new nn.Dropout({ p: dropout });
    this.layer_stack = new nn.ModuleList(Array.from({ length: a.n_layers }, () =>
      new EncoderLayer(a.d_model, a.d_inner, a.n_head, a.d_k, a.d_v, dropout)));
    this.layer_norm = new nn.LayerNorm(a.d_model, { eps: 1e-6 });
    this.scale_emb = scale_emb;
    this.d_model = a.d_model;
  }

  override forward(srcSeq: Tensor, srcMask: Tensor, returnAttns = false): [Tensor, Tensor[]?] {
    const encSlfAttnList: Tensor[] = [];

    // -- Forward
    let encOutput = this.src_word_emb.forward(srcSeq);
    if (this.scale_emb) {
      encOutput.mul_(this.d_model ** 0.5);
    }
    encOutput = this.dropout.forward(this.position_enc.forward(encOutput));
    encOutput = this.layer_norm.forward(encOutput);

    for (const encLayer of this.layer_stack) {
      let encSlfAttn: Tensor;
      [encOutput, encSlfAttn] = (encLayer as EncoderLayer).forward(encOutput, srcMask);
      encSlfAttnList.push(...(returnAttns ? [encSlfAttn] : []));
    }

    if (returnAttns) {
      return [encOutput, encSlfAttnList];
    }
    return [encOutput];
  }
}

class Decoder extends nn.Module {
  // A decoder model with self attention mechanism.
  trg_word_emb: nn.Embedding;
  position_enc: PositionalEncoding;
  dropout: nn.Dropout;
  layer_stack: nn.ModuleList;
  layer_norm: nn.LayerNorm;
  scale_emb: boolean;
  d_model: number;

  constructor(a: {
    n_trg_vocab: number; d_word_vec: number; n_layers: number; n_head: number; d_k: number; d_v: number;
    d_model: number; d_inner: number; pad_idx: number; n_position?: number; dropout?: number; scale_emb?: boolean;
  }) {
    super();
    const { dropout = 0.1, n_position = 200, scale_emb = false } = a;

    this.trg_word_emb = new nn.Embedding(a.n_trg_vocab, a.d_word_vec, { paddingIdx: a.pad_idx });
    this.position_enc = new PositionalEncoding(a.d_word_vec, n_position);
    this.dropout = new nn.Dropout({ p: dropout });
    this.layer_stack = new nn.ModuleList(Array.from({ length: a.n_layers }, () =>
      new DecoderLayer(a.d_model, a.d_inner, a.n_head, a.d_k, a.d_v, dropout)));
    this.layer_norm = new nn.LayerNorm(a.d_model, { eps: 1e-6 });
    this.scale_emb = scale_emb;
    this.d_model = a.d_model;
  }

  override forward(trgSeq: Tensor, trgMask: Tensor, encOutput: Tensor, srcMask: Tensor, returnAttns = false): [Tensor, Tensor[]?, Tensor[]?] {
    const decSlfAttnList: Tensor[] = [];
    const decEncAttnList: Tensor[] = [];

    // -- Forward
    let decOutput = this.trg_word_emb.forward(trgSeq);
    if (this.scale_emb) {
      decOutput.mul_(this.d_model ** 0.5);
    }
    decOutput = this.dropout.forward(this.position_enc.forward(decOutput));
    decOutput = this.layer_norm.forward(decOutput);

    for (const decLayer of this.layer_stack) {
      let decSlfAttn: Tensor;
      let decEncAttn: Tensor;
      [decOutput, decSlfAttn, decEncAttn] = (decLayer as DecoderLayer).forward(decOutput, encOutput, trgMask, srcMask);
      decSlfAttnList.push(...(returnAttns ? [decSlfAttn] : []));
      decEncAttnList.push(...(returnAttns ? [decEncAttn] : []));
    }

    if (returnAttns) {
      return [decOutput, decSlfAttnList, decEncAttnList];
    }
    return [decOutput];
  }
}

interface TransformerOptions {
  d_word_vec?: number; d_model?: number; d_inner?: number; n_layers?: number; n_head?: number; d_k?: number; d_v?: number;
  dropout?: number; n_position?: number; trg_emb_prj_weight_sharing?: boolean; emb_src_trg_weight_sharing?: boolean;
  scale_emb_or_prj?: string;
}

class Transformer extends nn.Module {
  // A sequence to sequence model with attention mechanism.
  src_pad_idx: number;
  trg_pad_idx: number;
  scale_prj: boolean;
  d_model: number;
  encoder: Encoder;
  decoder: Decoder;
  trg_word_prj: nn.Linear;

  constructor(nSrcVocab: number, nTrgVocab: number, srcPadIdx: number, trgPadIdx: number, o: TransformerOptions = {}) {
    super();
    const {
      d_word_vec = 512, d_model = 512, d_inner = 2048, n_layers = 6, n_head = 8, d_k = 64, d_v = 64, dropout = 0.1,
      n_position = 200, trg_emb_prj_weight_sharing = true, emb_src_trg_weight_sharing = true, scale_emb_or_prj = 'prj',
    } = o;

    [this.src_pad_idx, this.trg_pad_idx] = [srcPadIdx, trgPadIdx];

    assert.ok(['emb', 'prj', 'none'].includes(scale_emb_or_prj));
    const scaleEmb = trg_emb_prj_weight_sharing ? scale_emb_or_prj === 'emb' : false;
    this.scale_prj = trg_emb_prj_weight_sharing ? scale_emb_or_prj === 'prj' : false;
    this.d_model = d_model;

    this.encoder = new Encoder({
      n_src_vocab: nSrcVocab, n_position,
      d_word_vec, d_model, d_inner,
      n_layers, n_head, d_k, d_v,
      pad_idx: srcPadIdx, dropout, scale_emb: scaleEmb,
    });

    this.decoder = new Decoder({
      n_trg_vocab: nTrgVocab, n_position,
      d_word_vec, d_model, d_inner,
      n_layers, n_head, d_k, d_v,
      pad_idx: trgPadIdx, dropout, scale_emb: scaleEmb,
    });

    this.trg_word_prj = new nn.Linear(d_model, nTrgVocab, { bias: false });

    for (const p of this.parameters()) {
      if (p.dim() > 1) {
        nn.init.xavierUniform_(p);
      }
    }

    assert.ok(d_model === d_word_vec, 'To facilitate the residual connections, the dimensions of all module outputs shall be the same.');

    if (trg_emb_prj_weight_sharing) {
      // Share the weight between target word embedding & last dense layer
      this.trg_word_prj.weight = this.decoder.trg_word_emb.weight;
    }

    if (emb_src_trg_weight_sharing) {
      this.encoder.src_word_emb.weight = this.decoder.trg_word_emb.weight;
    }
  }

  override forward(srcSeq: Tensor, trgSeq: Tensor): Tensor {
    const srcMask = getPadMask(srcSeq, this.src_pad_idx);
    const trgMask = getPadMask(trgSeq, this.trg_pad_idx).bitwiseAnd(getSubsequentMask(trgSeq));

    const [encOutput] = this.encoder.forward(srcSeq, srcMask);
    const [decOutput] = this.decoder.forward(trgSeq, trgMask, encOutput, srcMask);
    const seqLogit = this.trg_word_prj.forward(decOutput);
    if (this.scale_prj) {
      seqLogit.mul_(this.d_model ** -0.5);
    }

    return seqLogit.view(-1, seqLogit.size(2));
  }
}

// ============================================================== transformer/Optim.py
class ScheduledOptim {
  // A simple wrapper class for learning rate scheduling
  _optimizer: optim.Optimizer;
  lr_mul: number;
  d_model: number;
  n_warmup_steps: number;
  n_steps: number;

  constructor(optimizer: optim.Optimizer, lrMul: number, dModel: number, nWarmupSteps: number) {
    this._optimizer = optimizer;
    this.lr_mul = lrMul;
    this.d_model = dModel;
    this.n_warmup_steps = nWarmupSteps;
    this.n_steps = 0;
  }

  step_and_update_lr(): void {
    // Step with the inner optimizer
    this._update_learning_rate();
    this._optimizer.step();
  }

  zeroGrad(): void {
    // Zero out the gradients with the inner optimizer
    this._optimizer.zeroGrad();
  }

  _get_lr_scale(): number {
    const dModel = this.d_model;
    const [nSteps, nWarmupSteps] = [this.n_steps, this.n_warmup_steps];
    return dModel ** -0.5 * Math.min(nSteps ** -0.5, nSteps * nWarmupSteps ** -1.5);
  }

  _update_learning_rate(): void {
    // Learning rate scheduling per step
    this.n_steps += 1;
    const lr = this.lr_mul * this._get_lr_scale();

    for (const paramGroup of this._optimizer.paramGroups) {
      paramGroup.lr = lr;
    }
  }
}

// ============================================================== transformer/Translator.py
class Translator extends nn.Module {
  // Load a trained model and translate in beam search fashion.
  alpha: number;
  beam_size: number;
  max_seq_len: number;
  src_pad_idx: number;
  trg_bos_idx: number;
  trg_eos_idx: number;
  model: Transformer;
  declare init_seq: Tensor;
  declare blank_seqs: Tensor;
  declare len_map: Tensor;

  constructor(model: Transformer, beamSize: number, maxSeqLen: number, srcPadIdx: number, trgPadIdx: number, trgBosIdx: number, trgEosIdx: number) {
    super();

    this.alpha = 0.7;
    this.beam_size = beamSize;
    this.max_seq_len = maxSeqLen;
    this.src_pad_idx = srcPadIdx;
    this.trg_bos_idx = trgBosIdx;
    this.trg_eos_idx = trgEosIdx;

    this.model = model;
    this.model.eval();

    this.registerBuffer('init_seq', torch.LongTensor([[trgBosIdx]]));
    this.registerBuffer(
      'blank_seqs',
      torch.full([beamSize, maxSeqLen], trgPadIdx, { dtype: torch.long }));
    this.blank_seqs.indexPut_([':', 0], this.trg_bos_idx);
    this.registerBuffer(
      'len_map',
      torch.arange(1, maxSeqLen + 1, { dtype: torch.long }).unsqueeze(0));
  }

  _model_decode(trgSeq: Tensor, encOutput: Tensor, srcMask: Tensor): Tensor {
    const trgMask = getSubsequentMask(trgSeq);
    const [decOutput] = this.model.decoder.forward(trgSeq, trgMask, encOutput, srcMask);
    return F.softmax(this.model.trg_word_prj.forward(decOutput), { dim: -1 });
  }

  _get_init_state(srcSeq: Tensor, srcMask: Tensor): [Tensor, Tensor, Tensor] {
    const beamSize = this.beam_size;

    let [encOutput] = this.model.encoder.forward(srcSeq, srcMask);
    const decOutput = this._model_decode(this.init_seq, encOutput, srcMask);

    const [bestKProbs, bestKIdx] = decOutput.index(':', -1, ':').topk(beamSize);

    const scores = torch.log(bestKProbs).view(beamSize);
    const genSeq = this.blank_seqs.clone().detach();
    genSeq.indexPut_([':', 1], bestKIdx.index(0));
    encOutput = encOutput.repeat(beamSize, 1, 1);
    return [encOutput, genSeq, scores];
  }

  _get_the_best_score_and_idx(genSeq: Tensor, decOutput: Tensor, scores: Tensor, step: number): [Tensor, Tensor] {
    assert.ok(scores.size().length === 1);

    const beamSize = this.beam_size;

    // Get k candidates for each beam, k^2 candidates in total.
    const [bestK2Probs, bestK2Idx] = decOutput.index(':', -1, ':').topk(beamSize);

    // Include the previous scores.
    scores = torch.log(bestK2Probs).view(beamSize, -1).add(scores.view(beamSize, 1));

    // Get the best k candidates from k^2 candidates.
    let bestKIdxInK2: Tensor;
    [scores, bestKIdxInK2] = scores.view(-1).topk(beamSize);

    // Get the corresponding positions of the best k candidiates.
    const [bestKRIdxs, bestKCIdxs] = [bestKIdxInK2.floorDivide(beamSize), bestKIdxInK2.remainder(beamSize)];
    const bestKIdx = bestK2Idx.index(bestKRIdxs, bestKCIdxs);

    // Copy the corresponding previous tokens.
    genSeq.indexPut_([':', `:${step}`], genSeq.index(bestKRIdxs, `:${step}`));
    // Set the best tokens in this beam search step
    genSeq.indexPut_([':', step], bestKIdx);

    return [genSeq, scores];
  }

  translate_sentence(srcSeq: Tensor): number[] {
    // Only accept batch size equals to 1 in this function.
    assert.ok(srcSeq.size(0) === 1);

    const [srcPadIdx, trgEosIdx] = [this.src_pad_idx, this.trg_eos_idx];
    const [maxSeqLen, beamSize, alpha] = [this.max_seq_len, this.beam_size, this.alpha];

    let genSeq!: Tensor;
    let seqLens!: Tensor;
    let ansIdx = 0; // default
    torch.noGrad(() => {
      const srcMask = getPadMask(srcSeq, srcPadIdx);
      let [encOutput, scores]: Tensor[] = [];
      [encOutput, genSeq, scores] = this._get_init_state(srcSeq, srcMask);

      for (let step = 2; step < maxSeqLen; step++) { // decode up to max length
        const decOutput = this._model_decode(genSeq.index(':', `:${step}`), encOutput, srcMask);
        [genSeq, scores] = this._get_the_best_score_and_idx(genSeq, decOutput, scores, step);

        // Check if all path finished
        // -- locate the eos in the generated sequences
        const eosLocs = genSeq.eq(trgEosIdx);
        // -- replace the eos with its position for the length penalty use
        [seqLens] = this.len_map.maskedFill(eosLocs.bitwiseNot(), maxSeqLen).min(1);
        // -- check if all beams contain eos
        if (eosLocs.sum(1).gt(0).sum(0).item() === beamSize) {
          // TODO: Try different terminate conditions.
          const [, idx] = scores.div(seqLens.float().pow(alpha)).max(0);
          ansIdx = Number(idx.item());
          break;
        }
      }
    });
    return genSeq.index(ansIdx).index(`:${Number(seqLens.index(ansIdx).item())}`).tolist() as number[];
  }
}

// ============================================================== train.py
function calPerformance(pred: Tensor, gold: Tensor, trgPadIdx: number, smoothing = false): [Tensor, number, number] {
  // Apply label smoothing if needed
  const loss = calLoss(pred, gold, trgPadIdx, smoothing);

  pred = pred.max(1)[1];
  gold = gold.contiguous().view(-1);
  const nonPadMask = gold.ne(trgPadIdx);
  const nCorrect = Number(pred.eq(gold).maskedSelect(nonPadMask).sum().item());
  const nWord = Number(nonPadMask.sum().item());

  return [loss, nCorrect, nWord];
}

function calLoss(pred: Tensor, gold: Tensor, trgPadIdx: number, smoothing = false): Tensor {
  // Calculate cross entropy loss, apply label smoothing if needed.
  gold = gold.contiguous().view(-1);

  let loss: Tensor;
  if (smoothing) {
    const eps = 0.1;
    const nClass = pred.size(1);

    let oneHot = torch.zerosLike(pred).scatter(1, gold.view(-1, 1), 1);
    oneHot = oneHot.mul(1 - eps).add(torch.rsub(oneHot, 1).mul(eps).div(nClass - 1));
    const logPrb = F.logSoftmax(pred, { dim: 1 });

    const nonPadMask = gold.ne(trgPadIdx);
    loss = oneHot.mul(logPrb).sum({ dim: 1 }).neg();
    loss = loss.maskedSelect(nonPadMask).sum(); // average later
  } else {
    loss = F.crossEntropy(pred, gold, { ignoreIndex: trgPadIdx, reduction: 'sum' });
  }
  return loss;
}

function patchSrc(src: Tensor, _padIdx: number): Tensor {
  src = src.transpose(0, 1);
  return src;
}

function patchTrg(trg: Tensor, _padIdx: number): [Tensor, Tensor] {
  trg = trg.transpose(0, 1);
  const [t, gold] = [trg.index(':', ':-1'), trg.index(':', '1:').contiguous().view(-1)];
  return [t, gold];
}

interface Batch { src: Tensor; trg: Tensor }
type Opt = Record<string, Any>;

function trainEpoch(model: Transformer, trainingData: Batch[], optimizer: ScheduledOptim, opt: Opt, device: torch.Device, smoothing: boolean): [number, number] {
  // Epoch operation in training phase
  model.train();
  let [totalLoss, nWordTotal, nWordCorrect] = [0, 0, 0];

  for (const batch of trainingData) { // tqdm(training_data, mininterval=2, desc=desc, leave=False)
    // prepare data
    const srcSeq = patchSrc(batch.src, opt.src_pad_idx).to(device);
    const [trgSeq, gold] = patchTrg(batch.trg, opt.trg_pad_idx).map((x) => x.to(device));

    // forward
    optimizer.zeroGrad();
    const pred = model.forward(srcSeq, trgSeq);

    // backward and update parameters
    const [loss, nCorrect, nWord] = calPerformance(pred, gold, opt.trg_pad_idx, smoothing);
    loss.backward();
    optimizer.step_and_update_lr();
    LOG.steps.push([Number(loss.item()), nCorrect, nWord, optimizer._optimizer.paramGroups[0].lr as number]);

    // note keeping
    nWordTotal += nWord;
    nWordCorrect += nCorrect;
    totalLoss += Number(loss.item());
  }

  const lossPerWord = totalLoss / nWordTotal;
  const accuracy = nWordCorrect / nWordTotal;
  return [lossPerWord, accuracy];
}

function evalEpoch(model: Transformer, validationData: Batch[], device: torch.Device, opt: Opt): [number, number] {
  // Epoch operation in evaluation phase
  model.eval();
  let [totalLoss, nWordTotal, nWordCorrect] = [0, 0, 0];

  torch.noGrad(() => {
    for (const batch of validationData) {
      // prepare data
      const srcSeq = patchSrc(batch.src, opt.src_pad_idx).to(device);
      const [trgSeq, gold] = patchTrg(batch.trg, opt.trg_pad_idx).map((x) => x.to(device));

      // forward
      const pred = model.forward(srcSeq, trgSeq);
      const [loss, nCorrect, nWord] = calPerformance(pred, gold, opt.trg_pad_idx, false);
      LOG.evalSteps.push([Number(loss.item()), nCorrect, nWord]);

      // note keeping
      nWordTotal += nWord;
      nWordCorrect += nCorrect;
      totalLoss += Number(loss.item());
    }
  });

  const lossPerWord = totalLoss / nWordTotal;
  const accuracy = nWordCorrect / nWordTotal;
  return [lossPerWord, accuracy];
}

function train(model: Transformer, trainingData: Batch[], validationData: Batch[], optimizer: ScheduledOptim, device: torch.Device, opt: Opt): void {
  // Start training
  const logTrainFile = join(opt.output_dir, 'train.log');
  const logValidFile = join(opt.output_dir, 'valid.log');

  print(`[Info] Training performance will be written to file: ${logTrainFile} and ${logValidFile}`);

  writeFileSync(logTrainFile, 'epoch,loss,ppl,accuracy\n');
  writeFileSync(logValidFile, 'epoch,loss,ppl,accuracy\n');

  const printPerformances = (header: string, ppl: number, accu: number, _startTime: number, lr: number) => {
    print(`  - ${`(${header})`.padEnd(12)} ppl: ${pyFmt(ppl, 5, 8, true)}, accuracy: ${pyFmt(100 * accu, 3, 3)} %, lr: ${pyFmt(lr, 5, 8)}, ` +
      `elapse: ${pyFmt(0, 3, 3)} min`); // elapse=(time.time()-start_time)/60
  };

  const validLosses: number[] = [];
  for (let epochI = 0; epochI < opt.epoch; epochI++) {
    print('[ Epoch', epochI, ']');

    let start = 0; // time.time()
    const [trainLoss, trainAccu] = trainEpoch(model, trainingData, optimizer, opt, device, opt.label_smoothing);
    const trainPpl = Math.exp(Math.min(trainLoss, 100));
    // Current learning rate
    const lr = optimizer._optimizer.paramGroups[0].lr as number;
    printPerformances('Training', trainPpl, trainAccu, start, lr);

    start = 0; // time.time()
    const [validLoss, validAccu] = evalEpoch(model, validationData, device, opt);
    const validPpl = Math.exp(Math.min(validLoss, 100));
    printPerformances('Validation', validPpl, validAccu, start, lr);
    LOG.epochs.push([trainLoss, trainAccu, validLoss, validAccu]);

    validLosses.push(validLoss);

    const checkpoint = { epoch: epochI, settings: { ...opt }, model: model.stateDict() };

    if (opt.save_mode === 'all') {
      const modelName = `model_accu_${pyFmt(100 * validAccu, 3, 3)}.chkpt`;
      torch.save(checkpoint, modelName);
    } else if (opt.save_mode === 'best') {
      const modelName = 'model.chkpt';
      if (validLoss <= Math.min(...validLosses)) {
        torch.save(checkpoint, join(opt.output_dir, modelName));
        print('    - [Info] The checkpoint file has been updated.');
      }
    }

    appendFileSync(logTrainFile, `${epochI},${pyFmt(trainLoss, 5, 8, true)},${pyFmt(trainPpl, 5, 8, true)},${pyFmt(100 * trainAccu, 3, 3)}\n`);
    appendFileSync(logValidFile, `${epochI},${pyFmt(validLoss, 5, 8, true)},${pyFmt(validPpl, 5, 8, true)},${pyFmt(100 * validAccu, 3, 3)}\n`);
  }
}

// ============================================================== synthetic data (torchtext's place)
const V = 12;
const [PAD, BOS, EOS] = [0, 2, 3];

function makeSentences(n: number): [Tensor, Tensor] {
  const lens = torch.randint(3, 7, [n]);
  const words = torch.randint(4, V, [n, 6]);
  const src = torch.full([n, 6], PAD, { dtype: torch.long });
  const trg = torch.full([n, 8], PAD, { dtype: torch.long });
  for (let i = 0; i < n; i++) {
    const L = Number(lens.index(i).item());
    src.indexPut_([i, `:${L}`], words.index(i, `:${L}`));
    trg.indexPut_([i, 0], BOS);
    trg.indexPut_([i, `1:${L + 1}`], words.index(i, `:${L}`).flip(0));
    trg.indexPut_([i, L + 1], EOS);
  }
  return [src, trg];
}

function makeBatches(src: Tensor, trg: Tensor, batchSize: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < src.size(0); i += batchSize) {
    out.push({ src: src.index(`${i}:${i + batchSize}`).t().contiguous(), trg: trg.index(`${i}:${i + batchSize}`).t().contiguous() });
  }
  return out;
}

function loadModel(opt: Opt, device: torch.Device): Transformer {
  const checkpoint = torch.load<{ epoch: number; settings: Opt; model: nn.StateDict }>(opt.model, { mapLocation: device });
  const modelOpt = checkpoint.settings;

  const model = new Transformer(
    modelOpt.src_vocab_size,
    modelOpt.trg_vocab_size,

    modelOpt.src_pad_idx,
    modelOpt.trg_pad_idx, {
      trg_emb_prj_weight_sharing: modelOpt.proj_share_weight,
      emb_src_trg_weight_sharing: modelOpt.embs_share_weight,
      d_k: modelOpt.d_k,
      d_v: modelOpt.d_v,
      d_model: modelOpt.d_model,
      d_word_vec: modelOpt.d_word_vec,
      d_inner: modelOpt.d_inner_hid,
      n_layers: modelOpt.n_layers,
      n_head: modelOpt.n_head,
      dropout: modelOpt.dropout,
    }).to(device);

  model.loadStateDict(checkpoint.model);
  print('[Info] Trained model state loaded.');
  return model;
}

function namedSums(m: nn.Module): Record<string, number> {
  return Object.fromEntries([...m.namedParameters()].map(([n, p]) => [n, tsum(p)]));
}

function assertSums(got: Record<string, number>, want: Record<string, number>, rtol: number, atol: number, label: string): void {
  assert.deepEqual(Object.keys(got), Object.keys(want), `${label}: names`);
  for (const k of Object.keys(want)) close(got[k], want[k], rtol, `${label} ${k}`, atol);
}

test('aiayn: train.py (label smoothing, ScheduledOptim, best checkpoint) and translate.py beam search', () => {
  const opt: Opt = {
    epoch: 3, batch_size: 8, d_model: 32, d_inner_hid: 64, d_k: 8, d_v: 8, n_head: 4, n_layers: 2,
    n_warmup_steps: 4, lr_mul: 0.25, seed: 0, dropout: 0.1, embs_share_weight: true, proj_share_weight: true,
    scale_emb_or_prj: 'prj', output_dir: join(TMP, 'output'), use_tb: false, save_mode: 'best',
    no_cuda: true, label_smoothing: true,
  };
  opt.cuda = !opt.no_cuda;
  opt.d_word_vec = opt.d_model;

  if (opt.seed !== null) {
    torch.manualSeed(opt.seed);
  }

  if (existsSync(TMP)) rmSync(TMP, { recursive: true });
  if (!existsSync(opt.output_dir)) mkdirSync(opt.output_dir, { recursive: true });

  const device = torch.device('cpu');

  // ========= Loading Dataset ========= (synthetic)
  const [trainSrc, trainTrg] = makeSentences(64);
  const [valSrc, valTrg] = makeSentences(16);
  const trainingData = makeBatches(trainSrc, trainTrg, opt.batch_size);
  const validationData = makeBatches(valSrc, valTrg, opt.batch_size);
  opt.max_token_seq_len = 8;
  opt.src_pad_idx = opt.trg_pad_idx = PAD;
  opt.src_vocab_size = opt.trg_vocab_size = V;
  assertTensor(trainSrc, fx.data.train_src, {}, 'train_src');
  assertTensor(trainTrg, fx.data.train_trg, {}, 'train_trg');
  assertTensor(valSrc, fx.data.val_src, {}, 'val_src');
  assertTensor(valTrg, fx.data.val_trg, {}, 'val_trg');

  const transformer = new Transformer(
    opt.src_vocab_size,
    opt.trg_vocab_size, opt.src_pad_idx, opt.trg_pad_idx, {
      trg_emb_prj_weight_sharing: opt.proj_share_weight,
      emb_src_trg_weight_sharing: opt.embs_share_weight,
      d_k: opt.d_k,
      d_v: opt.d_v,
      d_model: opt.d_model,
      d_word_vec: opt.d_word_vec,
      d_inner: opt.d_inner_hid,
      n_layers: opt.n_layers,
      n_head: opt.n_head,
      dropout: opt.dropout,
      scale_emb_or_prj: opt.scale_emb_or_prj,
    }).to(device);

  assert.equal(String(transformer), fx.repr, 'repr(transformer)');
  assert.deepEqual([...transformer.namedParameters()].map(([n, p]) => [n, p.shape]), fx.named_parameters, 'named_parameters');
  assert.deepEqual(Object.keys(transformer.stateDict()), fx.state_dict_keys, 'state_dict keys');
  assert.equal([...transformer.parameters()].reduce((s, p) => s + p.numel(), 0), fx.n_parameters, 'number of parameters');
  assertSums(namedSums(transformer), fx.init, 1e-5, 1e-5, 'init');
  assertTensor(transformer.encoder.position_enc.pos_table.index(0, ':10'), fx.pos_table, {}, 'pos_table');
  assert.deepEqual([transformer.trg_word_prj.weight === transformer.decoder.trg_word_emb.weight,
    transformer.encoder.src_word_emb.weight === transformer.decoder.trg_word_emb.weight], fx.shared, 'weights shared');
  assertTensor(getPadMask(patchSrc(trainingData[0].src, PAD), PAD), fx.masks.pad, {}, 'pad mask');
  assertTensor(getPadMask(patchTrg(trainingData[0].trg, PAD)[0], PAD).bitwiseAnd(getSubsequentMask(patchTrg(trainingData[0].trg, PAD)[0])),
    fx.masks.trg, {}, 'trg mask');

  const optimizer = new ScheduledOptim(
    new optim.Adam(transformer.parameters(), { betas: [0.9, 0.98], eps: 1e-9 }),
    opt.lr_mul, opt.d_model, opt.n_warmup_steps);

  train(transformer, trainingData, validationData, optimizer, device, opt);

  const steps = fx.steps as [number, number, number, number][];
  assert.equal(LOG.steps.length, steps.length, 'number of steps');
  LOG.steps.forEach((s, i) => {
    close(s[0], steps[i][0], 1e-5, `step ${i} loss`);
    assert.equal(s[1], steps[i][1], `step ${i} n_correct`);
    assert.equal(s[2], steps[i][2], `step ${i} n_word`);
    close(s[3], steps[i][3], 1e-15, `step ${i} lr`, 0); // the last bit of Python's float ** (see assertLines)
  });
  const evalSteps = fx.eval_steps as [number, number, number][];
  assert.equal(LOG.evalSteps.length, evalSteps.length, 'number of eval steps');
  LOG.evalSteps.forEach((s, i) => {
    close(s[0], evalSteps[i][0], 1e-5, `eval ${i} loss`);
    assert.equal(s[1], evalSteps[i][1], `eval ${i} n_correct`);
    assert.equal(s[2], evalSteps[i][2], `eval ${i} n_word`);
  });
  LOG.epochs.forEach((e, i) => e.forEach((v, j) => close(v, fx.epochs[i][j], 1e-5, `epoch ${i}[${j}]`)));
  const pyPrinted = (fx.printed as string[]).map((l) => l.replaceAll(`${PY_TMP}/output`, opt.output_dir));
  assertLines(LOG.printed, pyPrinted.slice(0, LOG.printed.length), 'printed');
  assertLines(readFileSync(join(opt.output_dir, 'train.log'), 'utf8').split('\n'), fx.train_log.split('\n'), 'train.log');
  assertLines(readFileSync(join(opt.output_dir, 'valid.log'), 'utf8').split('\n'), fx.valid_log.split('\n'), 'valid.log');

  // Sums of up to 2048 trained weights: PyTorch's own sums move by up to 1.1e-5 between
  // torch.set_num_threads(1), (2) and (4) after these 24 steps (summation order, amplified by training).
  assertSums(namedSums(transformer), fx.final, 1e-5, 5e-5, 'final');
  const fs = fx.final_slices as Record<string, TensorJson>;
  assertTensor(transformer.decoder.trg_word_emb.weight.index(':3', ':6'), fs['decoder.trg_word_emb.weight'], { rtol: 1e-5, atol: 1e-6 }, 'final emb');
  assertTensor((transformer.encoder.layer_stack[1] as EncoderLayer).pos_ffn.w_2.bias!, fs['encoder.layer_stack.1.pos_ffn.w_2.bias'], { rtol: 1e-5, atol: 1e-6 }, 'final w_2.bias');
  assertTensor((transformer.decoder.layer_stack[0] as DecoderLayer).enc_attn.w_qs.weight.index(':2'), fs['decoder.layer_stack.0.enc_attn.w_qs.weight'], { rtol: 1e-5, atol: 1e-6 }, 'final w_qs');
  assert.equal(torch.load<{ epoch: number }>(join(opt.output_dir, 'model.chkpt')).epoch, fx.checkpoint_epoch, 'checkpoint epoch');

  // ================================================= translate.py
  const modelOpt = { model: join(opt.output_dir, 'model.chkpt'), beam_size: 3, max_seq_len: 12 };
  const model = loadModel(modelOpt, device);
  assertLines(LOG.printed, pyPrinted, 'printed');
  const translator = new Translator(
    model,
    modelOpt.beam_size,
    modelOpt.max_seq_len,
    opt.src_pad_idx,
    opt.trg_pad_idx,
    BOS,
    EOS).to(device);
  assert.deepEqual(Object.keys(translator.stateDict()), fx.translator_keys, 'translator state_dict keys');
  assert.equal(String(translator), fx.translator_repr, 'repr(translator)');
  assertTensor(translator.blank_seqs, fx.blank_seqs, {}, 'blank_seqs');

  const src0 = valSrc.index('0:1');
  const [encOutput, genSeq, scores] = torch.noGrad(() => translator._get_init_state(src0, getPadMask(src0, PAD)));
  close(tsum(encOutput), fx.init_state.enc_output_sum, 1e-5, 'init enc_output sum', 1e-4);
  assert.deepEqual(encOutput.shape, fx.init_state.enc_output_shape);
  assertTensor(genSeq, fx.init_state.gen_seq, {}, 'init gen_seq');
  assertTensor(scores, fx.init_state.scores, {}, 'init scores');

  const translations: number[][] = [];
  for (let i = 0; i < 3; i++) {
    const srcSeq = valSrc.index(`${i}:${i + 1}`);
    const predSeq = translator.translate_sentence(srcSeq);
    translations.push(predSeq);
  }
  assert.deepEqual(translations, fx.translations, 'translated token ids');
});

test('aiayn: Transformer with emb_src_trg_weight_sharing=False and scale_emb_or_prj="emb"', () => {
  // A Transformer with separate source embeddings and scale_emb_or_prj='emb': one training-mode step.
  torch.manualSeed(1);
  const [src, trg] = makeSentences(8);
  const batch = makeBatches(src, trg, 8)[0];
  const model = new Transformer(V, V, PAD, PAD, {
    d_word_vec: 32, d_model: 32, d_inner: 64, n_layers: 1, n_head: 4, d_k: 8,
    d_v: 8, dropout: 0.1, emb_src_trg_weight_sharing: false, scale_emb_or_prj: 'emb',
  });
  const srcSeq = patchSrc(batch.src, PAD);
  const [trgSeq, gold] = patchTrg(batch.trg, PAD);
  const pred = model.forward(srcSeq, trgSeq);
  const [loss, nCorrect, nWord] = calPerformance(pred, gold, PAD, true);
  loss.backward();
  const o = fx.other_flags;
  assert.deepEqual([...model.namedParameters()].map(([n]) => n), o.names, 'names');
  close(tsum(pred), o.pred_sum, 1e-5, 'pred sum', 1e-4);
  close(Number(loss.item()), o.loss, 1e-5, 'loss');
  assert.equal(nCorrect, o.n_correct);
  assert.equal(nWord, o.n_word);
  const grads = Object.fromEntries([...model.namedParameters()].map(([n, p]) => [n, tsum(p.grad!)]));
  assertSums(grads, o.grads, 1e-5, 1e-5, 'grads');
});
