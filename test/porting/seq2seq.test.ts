// The "Translation with a Sequence to Sequence Network and Attention" tutorial transcribed line
// for line (Lang, EncoderRNN of Embedding + GRU, AttnDecoderRNN with its Linear attention,
// softmax, bmm and dropout, train() with teacher forcing drawn by random.random(), NLLLoss summed
// over the target, SGD; evaluate() under noGrad) against the same program run by PyTorch on a
// tiny hand-made pair list (scripts/fixtures/porting_seq2seq.py). Python's random.seed(1) is
// torch.utils.pyRandom.seed(1) here (CPython's Mersenne Twister): the same pairs and the same
// teacher-forcing decisions as the PyTorch run, both branches taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
const random = torch.utils.pyRandom;

interface Fixture {
  setitem: { x: TensorJson; y: TensorJson; z: TensorJson; errors: string[] };
  n_words: [number, number];
  losses: number[];
  forcing: boolean[];
  output_words: string[];
  attentions: TensorJson;
  encoder: Record<string, TensorJson>;
  decoder: Record<string, TensorJson>;
}
const fx = loadFixture<Fixture>('porting_seq2seq.json');

const device = torch.device('cpu');

const SOS_token = 0;
const EOS_token = 1;

class Lang {
  name: string;
  word2index = new Map<string, number>();
  word2count = new Map<string, number>();
  index2word = new Map<number, string>([[0, 'SOS'], [1, 'EOS']]);
  nWords = 2; // Count SOS and EOS

  constructor(name: string) {
    this.name = name;
  }

  addSentence(sentence: string): void {
    for (const word of sentence.split(' ')) this.addWord(word);
  }

  addWord(word: string): void {
    if (!this.word2index.has(word)) {
      this.word2index.set(word, this.nWords);
      this.word2count.set(word, 1);
      this.index2word.set(this.nWords, word);
      this.nWords += 1;
    } else {
      this.word2count.set(word, this.word2count.get(word)! + 1);
    }
  }
}

const MAX_LENGTH = 10;

const PAIRS = [
  ['je suis froid .', 'i am cold .'],
  ['je suis fatigue .', 'i am tired .'],
  ['il est grand .', 'he is tall .'],
  ['elle est petite .', 'she is small .'],
  ['nous sommes amis .', 'we are friends .'],
  ['ils sont ici .', 'they are here .'],
  ['tu es fatigue .', 'you are tired .'],
  ['il est fatigue .', 'he is tired .'],
];

function prepareData(): [Lang, Lang, string[][]] {
  const [inputLang, outputLang, pairs] = [new Lang('fra'), new Lang('eng'), PAIRS.map((p) => [...p])];
  for (const pair of pairs) {
    inputLang.addSentence(pair[0]);
    outputLang.addSentence(pair[1]);
  }
  return [inputLang, outputLang, pairs];
}

const [inputLang, outputLang, pairs] = prepareData();

class EncoderRNN extends nn.Module {
  hiddenSize: number;
  embedding: nn.Embedding;
  gru: nn.GRU;

  constructor(inputSize: number, hiddenSize: number) {
    super();
    this.hiddenSize = hiddenSize;
    this.embedding = new nn.Embedding(inputSize, hiddenSize);
    this.gru = new nn.GRU(hiddenSize, hiddenSize);
  }

  override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
    const embedded = this.embedding.forward(input).view(1, 1, -1);
    let output = embedded;
    [output, hidden] = this.gru.forward(output, hidden);
    return [output, hidden];
  }

  initHidden(): Tensor {
    return torch.zeros(1, 1, this.hiddenSize, { device });
  }
}

class AttnDecoderRNN extends nn.Module {
  hiddenSize: number;
  outputSize: number;
  dropoutP: number;
  maxLength: number;
  embedding: nn.Embedding;
  attn: nn.Linear;
  attn_combine: nn.Linear;
  dropout: nn.Dropout;
  gru: nn.GRU;
  out: nn.Linear;

  constructor(hiddenSize: number, outputSize: number, dropoutP = 0.1, maxLength = MAX_LENGTH) {
    super();
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    this.dropoutP = dropoutP;
    this.maxLength = maxLength;

    this.embedding = new nn.Embedding(this.outputSize, this.hiddenSize);
    this.attn = new nn.Linear(this.hiddenSize * 2, this.maxLength);
    this.attn_combine = new nn.Linear(this.hiddenSize * 2, this.hiddenSize);
    this.dropout = new nn.Dropout(this.dropoutP);
    this.gru = new nn.GRU(this.hiddenSize, this.hiddenSize);
    this.out = new nn.Linear(this.hiddenSize, this.outputSize);
  }

  override forward(input: Tensor, hidden: Tensor, encoderOutputs: Tensor): [Tensor, Tensor, Tensor] {
    let embedded = this.embedding.forward(input).view(1, 1, -1);
    embedded = this.dropout.forward(embedded);

    const attnWeights = F.softmax(this.attn.forward(torch.cat([embedded.index(0), hidden.index(0)], 1)), { dim: 1 });
    const attnApplied = torch.bmm(attnWeights.unsqueeze(0), encoderOutputs.unsqueeze(0));

    let output = torch.cat([embedded.index(0), attnApplied.index(0)], 1);
    output = this.attn_combine.forward(output).unsqueeze(0);

    output = F.relu(output);
    [output, hidden] = this.gru.forward(output, hidden);

    output = F.logSoftmax(this.out.forward(output.index(0)), { dim: 1 });
    return [output, hidden, attnWeights];
  }

  initHidden(): Tensor {
    return torch.zeros(1, 1, this.hiddenSize, { device });
  }
}

function indexesFromSentence(lang: Lang, sentence: string): number[] {
  return sentence.split(' ').map((word) => lang.word2index.get(word)!);
}

function tensorFromSentence(lang: Lang, sentence: string): Tensor {
  const indexes = indexesFromSentence(lang, sentence);
  indexes.push(EOS_token);
  return torch.tensor(indexes, { dtype: torch.long, device }).view(-1, 1);
}

function tensorsFromPair(pair: string[]): [Tensor, Tensor] {
  const inputTensor = tensorFromSentence(inputLang, pair[0]);
  const targetTensor = tensorFromSentence(outputLang, pair[1]);
  return [inputTensor, targetTensor];
}

const teacherForcingRatio = 0.5;
const forcing: boolean[] = []; // the decisions, recorded for the test

function train(
  inputTensor: Tensor, targetTensor: Tensor, encoder: EncoderRNN, decoder: AttnDecoderRNN,
  encoderOptimizer: optim.Optimizer, decoderOptimizer: optim.Optimizer, criterion: nn.NLLLoss, maxLength = MAX_LENGTH,
): number {
  let encoderHidden = encoder.initHidden();

  encoderOptimizer.zeroGrad();
  decoderOptimizer.zeroGrad();

  const inputLength = inputTensor.size(0);
  const targetLength = targetTensor.size(0);

  const encoderOutputs = torch.zeros(maxLength, encoder.hiddenSize, { device });

  let loss = torch.zeros([]); // Python's `loss = 0` (0 + tensor is the tensor)

  for (let ei = 0; ei < inputLength; ei++) {
    let encoderOutput: Tensor;
    [encoderOutput, encoderHidden] = encoder.forward(inputTensor.index(ei), encoderHidden);
    encoderOutputs.indexPut_([ei], encoderOutput.index(0, 0));
  }

  let decoderInput = torch.tensor([[SOS_token]], { device });

  let decoderHidden = encoderHidden;

  const useTeacherForcing = random.random() < teacherForcingRatio;
  forcing.push(useTeacherForcing);

  if (useTeacherForcing) {
    // Teacher forcing: Feed the target as the next input
    for (let di = 0; di < targetLength; di++) {
      let decoderOutput: Tensor;
      [decoderOutput, decoderHidden] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
      loss = loss.add(criterion.forward(decoderOutput, targetTensor.index(di)));
      decoderInput = targetTensor.index(di); // Teacher forcing
    }
  } else {
    // Without teacher forcing: use its own predictions as the next input
    for (let di = 0; di < targetLength; di++) {
      let decoderOutput: Tensor;
      [decoderOutput, decoderHidden] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
      const { indices: topi } = decoderOutput.topk(1);
      decoderInput = topi.squeeze().detach(); // detach from history as input

      loss = loss.add(criterion.forward(decoderOutput, targetTensor.index(di)));
      if (decoderInput.item() === EOS_token) break;
    }
  }

  loss.backward();

  encoderOptimizer.step();
  decoderOptimizer.step();

  return Number(loss.item()) / targetLength;
}

function trainIters(encoder: EncoderRNN, decoder: AttnDecoderRNN, nIters: number, learningRate = 0.01): number[] {
  const plotLosses: number[] = [];
  const encoderOptimizer = new optim.SGD(encoder.parameters(), { lr: learningRate });
  const decoderOptimizer = new optim.SGD(decoder.parameters(), { lr: learningRate });
  const trainingPairs = Array.from({ length: nIters }, () => tensorsFromPair(random.choice(pairs)));
  const criterion = new nn.NLLLoss();

  for (let iter = 1; iter < nIters + 1; iter++) {
    const trainingPair = trainingPairs[iter - 1];
    const inputTensor = trainingPair[0];
    const targetTensor = trainingPair[1];

    const loss = train(inputTensor, targetTensor, encoder, decoder, encoderOptimizer, decoderOptimizer, criterion);
    plotLosses.push(loss);
  }
  return plotLosses;
}

function evaluate(encoder: EncoderRNN, decoder: AttnDecoderRNN, sentence: string, maxLength = MAX_LENGTH): [string[], Tensor] {
  return torch.noGrad(() => {
    const inputTensor = tensorFromSentence(inputLang, sentence);
    const inputLength = inputTensor.size()[0];
    let encoderHidden = encoder.initHidden();

    const encoderOutputs = torch.zeros(maxLength, encoder.hiddenSize, { device });

    for (let ei = 0; ei < inputLength; ei++) {
      let encoderOutput: Tensor;
      [encoderOutput, encoderHidden] = encoder.forward(inputTensor.index(ei), encoderHidden);
      encoderOutputs.index(ei).add_(encoderOutput.index(0, 0)); // encoder_outputs[ei] += ...
    }

    let decoderInput = torch.tensor([[SOS_token]], { device }); // SOS

    let decoderHidden = encoderHidden;

    const decodedWords: string[] = [];
    const decoderAttentions = torch.zeros(maxLength, maxLength);

    let di = 0;
    for (; di < maxLength; di++) {
      let decoderOutput: Tensor;
      let decoderAttention: Tensor;
      [decoderOutput, decoderHidden, decoderAttention] = decoder.forward(decoderInput, decoderHidden, encoderOutputs);
      decoderAttentions.indexPut_([di], decoderAttention.data);
      const { indices: topi } = decoderOutput.data.topk(1);
      if (topi.item() === EOS_token) {
        decodedWords.push('<EOS>');
        break;
      } else {
        decodedWords.push(outputLang.index2word.get(Number(topi.item()))!);
      }

      decoderInput = topi.squeeze().detach();
    }

    return [decodedWords, decoderAttentions.index(`:${di + 1}`)];
  });
}

test('seq2seq translation with attention: GRU encoder, AttnDecoderRNN, teacher forcing, SGD, as PyTorch', () => {
  random.seed(1);
  torch.manualSeed(0);
  const hiddenSize = 16;
  const encoder1 = new EncoderRNN(inputLang.nWords, hiddenSize).to(device);
  const attnDecoder1 = new AttnDecoderRNN(hiddenSize, outputLang.nWords, 0.1).to(device);
  assert.deepEqual([inputLang.nWords, outputLang.nWords], fx.n_words);
  const losses = trainIters(encoder1, attnDecoder1, 12);
  const [outputWords, attentions] = evaluate(encoder1, attnDecoder1, 'je suis fatigue .');

  assert.deepEqual(forcing, fx.forcing);
  // float32 over ~5 GRU steps each way and 12 SGD steps: agreement to ~1e-6 relative
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) < 1e-5, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  assert.deepEqual(outputWords, fx.output_words);
  assertTensor(attentions, fx.attentions, { rtol: 1e-4, atol: 1e-6 }, 'attentions');
  for (const [model, expected] of [[encoder1, fx.encoder], [attnDecoder1, fx.decoder]] as const) {
    const state = model.stateDict();
    assert.deepEqual(Object.keys(state), Object.keys(expected));
    for (const [k, v] of Object.entries(state)) assertTensor(v, expected[k], { rtol: 1e-5, atol: 1e-7 }, k);
  }
});

test('x[i] = v strips the leading size-1 dims of v, as PyTorch\'s __setitem__ (decoder_attentions[di] = decoder_attention); its and copy_\'s shape errors', () => {
  const x = torch.zeros(3, 4);
  x.indexPut_([1], torch.arange(4.0).view(1, 1, 4));
  x.indexPut_([torch.tensor([true, false, true])], torch.ones(1, 1, 4).mul(5));
  const y = torch.zeros(3, 4);
  y.indexPut_([':', 1], torch.ones(1, 3));
  const z = torch.zeros(3);
  z.indexPut_([0], torch.ones(1, 1));
  assertTensor(x, fx.setitem.x, {}, 'x');
  assertTensor(y, fx.setitem.y, {}, 'y');
  assertTensor(z, fx.setitem.z, {}, 'z');
  // x[0] = v goes through expand (only leading 1s go), copy_ through TensorIterator: their messages
  const calls = [
    () => torch.zeros(3, 4).indexPut_([0], torch.ones(2, 4)),
    () => torch.zeros(3, 4).indexPut_([0], torch.ones(3)),
    () => torch.zeros(4).copy_(torch.ones(2, 4)),
    () => torch.zeros(4).copy_(torch.ones(3)),
    () => torch.zeros(1, 4).copy_(torch.ones(2, 4)),
  ];
  calls.forEach((f, i) => assert.throws(f, { message: fx.setitem.errors[i] }));
});
