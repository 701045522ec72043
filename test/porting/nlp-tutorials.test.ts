// Two NLP tutorials transcribed line for line: word_embeddings_tutorial.py (the N-gram language
// model: Embedding, embeds.view([1, -1]), log_softmax, NLLLoss, SGD, total_loss += loss.item(),
// the embedding of "beauty") and sequence_models_tutorial.py (the LSTM part-of-speech tagger).
// Against scripts/fixtures/porting_nlp_tutorials.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

const F = nn.functional;
interface Fixture {
  ngram: { ngrams: [string[], string][]; losses: number[]; beauty: TensorJson };
  tagger: { before: TensorJson; losses: number[]; after: TensorJson };
}
const fx = loadFixture<Fixture>('porting_nlp_tutorials.json');
const closeAll = (got: number[], want: number[], rtol: number, what: string) => {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= rtol * Math.abs(want[i]) + 1e-6, `${what} ${i}: got ${g}, expected ${want[i]}`));
};

const CONTEXT_SIZE = 2;
const EMBEDDING_DIM = 10;
const testSentence = `When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:
Then being asked, where all thy beauty lies,
Where all the treasure of thy lusty days;`.split(/\s+/);

class NGramLanguageModeler extends nn.Module {
  embeddings: nn.Embedding;
  linear1: nn.Linear;
  linear2: nn.Linear;
  constructor(vocabSize: number, embeddingDim: number, contextSize: number) {
    super();
    this.embeddings = new nn.Embedding(vocabSize, embeddingDim);
    this.linear1 = new nn.Linear(contextSize * embeddingDim, 128);
    this.linear2 = new nn.Linear(128, vocabSize);
  }
  override forward(inputs: Tensor): Tensor {
    const embeds = this.embeddings.forward(inputs).view([1, -1]);
    let out = F.relu(this.linear1.forward(embeds));
    out = this.linear2.forward(out);
    const logProbs = F.logSoftmax(out, { dim: 1 });
    return logProbs;
  }
}

test('word_embeddings tutorial: the N-gram language model, as PyTorch', () => {
  torch.manualSeed(1);
  const ngrams: [string[], string][] = [];
  for (let i = CONTEXT_SIZE; i < testSentence.length; i++) {
    ngrams.push([Array.from({ length: CONTEXT_SIZE }, (_, j) => testSentence[i - j - 1]), testSentence[i]]);
  }
  assert.deepEqual(ngrams.slice(0, 3), fx.ngram.ngrams);
  const vocab = new Set(testSentence);
  const wordToIx: Record<string, number> = Object.fromEntries([...vocab].sort().map((word, i) => [word, i]));
  const losses: number[] = [];
  const lossFunction = new nn.NLLLoss();
  const model = new NGramLanguageModeler(vocab.size, EMBEDDING_DIM, CONTEXT_SIZE);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
  for (let epoch = 0; epoch < 3; epoch++) {
    let totalLoss = 0;
    for (const [context, target] of ngrams) {
      const contextIdxs = torch.tensor(context.map((w) => wordToIx[w]), { dtype: torch.long });
      model.zeroGrad();
      const logProbs = model.forward(contextIdxs);
      const loss = lossFunction.forward(logProbs, torch.tensor([wordToIx[target]], { dtype: torch.long }));
      loss.backward();
      optimizer.step();
      totalLoss += Number(loss.item());
    }
    losses.push(totalLoss);
  }
  closeAll(losses, fx.ngram.losses, 1e-5, 'total loss');
  assertTensor(model.embeddings.weight.index(wordToIx['beauty']), fx.ngram.beauty, { rtol: 1e-5, atol: 1e-6 }, 'beauty');
});

function prepareSequence(seq: string[], toIx: Record<string, number>): Tensor {
  const idxs = seq.map((w) => toIx[w]);
  return torch.tensor(idxs, { dtype: torch.long });
}

class LSTMTagger extends nn.Module {
  hiddenDim: number;
  wordEmbeddings: nn.Embedding;
  lstm: nn.LSTM;
  hidden2tag: nn.Linear;
  constructor(embeddingDim: number, hiddenDim: number, vocabSize: number, tagsetSize: number) {
    super();
    this.hiddenDim = hiddenDim;
    this.wordEmbeddings = new nn.Embedding(vocabSize, embeddingDim);
    this.lstm = new nn.LSTM(embeddingDim, hiddenDim);
    this.hidden2tag = new nn.Linear(hiddenDim, tagsetSize);
  }
  override forward(sentence: Tensor): Tensor {
    const embeds = this.wordEmbeddings.forward(sentence);
    const [lstmOut] = this.lstm.forward(embeds.view(sentence.size(0), 1, -1));
    const tagSpace = this.hidden2tag.forward(lstmOut.view(sentence.size(0), -1));
    const tagScores = F.logSoftmax(tagSpace, { dim: 1 });
    return tagScores;
  }
}

test('sequence_models tutorial: the LSTM part-of-speech tagger, as PyTorch', () => {
  torch.manualSeed(1);
  const trainingData: [string[], string[]][] = [
    ['The dog ate the apple'.split(' '), ['DET', 'NN', 'V', 'DET', 'NN']],
    ['Everybody read that book'.split(' '), ['NN', 'V', 'DET', 'NN']],
  ];
  const wordToIx: Record<string, number> = {};
  for (const [sent] of trainingData) for (const word of sent) if (!(word in wordToIx)) wordToIx[word] = Object.keys(wordToIx).length;
  const tagToIx = { DET: 0, NN: 1, V: 2 };
  const EMBEDDING_DIM = 6;
  const HIDDEN_DIM = 6;
  const model = new LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, Object.keys(wordToIx).length, Object.keys(tagToIx).length);
  const lossFunction = new nn.NLLLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const before = torch.noGrad(() => model.forward(prepareSequence(trainingData[0][0], wordToIx)));
  assertTensor(before, fx.tagger.before, { rtol: 1e-5, atol: 1e-6 }, 'scores before training');
  const losses: number[] = [];
  for (let epoch = 0; epoch < 30; epoch++) {
    for (const [sentence, tags] of trainingData) {
      model.zeroGrad();
      const sentenceIn = prepareSequence(sentence, wordToIx);
      const targets = prepareSequence(tags, tagToIx);
      const tagScores = model.forward(sentenceIn);
      const loss = lossFunction.forward(tagScores, targets);
      losses.push(Number(loss.item()));
      loss.backward();
      optimizer.step();
    }
  }
  closeAll(losses, fx.tagger.losses, 1e-5, 'loss');
  const after = torch.noGrad(() => model.forward(prepareSequence(trainingData[0][0], wordToIx)));
  assertTensor(after, fx.tagger.after, { rtol: 1e-5, atol: 1e-5 }, 'scores after training');
});
