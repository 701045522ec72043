// The Bi-LSTM-CRF tutorial (beginner_source/nlp/advanced_tutorial.py) transcribed line for
// line: argmax through torch.max(vec, 1), log_sum_exp with view/expand, the forward algorithm
// over torch.full alphas written in place, _score_sentence indexing the transitions with 0-d
// tensors (tags[i + 1], tags[-1]), Viterbi decoding, SGD with weight_decay. Against the same
// program run by PyTorch (scripts/fixtures/porting_bilstm_crf.py, 30 epochs): the predictions
// before and after training, every loss, the final transitions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, optim, type Tensor } from '../../src/index.js';
import { assertTensor, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Fixture {
  before: { score: TensorJson; tags: number[] };
  after: { score: TensorJson; tags: number[] };
  losses: number[];
  loss_shape: number[];
  transitions: TensorJson;
}
const fx = loadFixture<Fixture>('porting_bilstm_crf.json');

function argmax(vec: Tensor): number {
  // return the argmax as a python int
  const [, idx] = torch.max(vec, 1);
  return Number(idx.item());
}

function prepareSequence(seq: string[], toIx: Record<string, number>): Tensor {
  const idxs = seq.map((w) => toIx[w]);
  return torch.tensor(idxs, { dtype: torch.long });
}

// Compute log sum exp in a numerically stable way for the forward algorithm
function logSumExp(vec: Tensor): Tensor {
  const maxScore = vec.index(0, argmax(vec));
  const maxScoreBroadcast = maxScore.view(1, -1).expand(1, vec.size()[1]);
  return maxScore.add(torch.log(torch.sum(torch.exp(vec.sub(maxScoreBroadcast)))));
}

const START_TAG = '<START>';
const STOP_TAG = '<STOP>';
const EMBEDDING_DIM = 5;
const HIDDEN_DIM = 4;
const EPOCHS = 30;

class BiLSTM_CRF extends nn.Module {
  embeddingDim: number;
  hiddenDim: number;
  vocabSize: number;
  tagToIx: Record<string, number>;
  tagsetSize: number;
  wordEmbeds: nn.Embedding;
  lstm: nn.LSTM;
  hidden2tag: nn.Linear;
  transitions: nn.Parameter;
  hidden: [Tensor, Tensor];

  constructor(vocabSize: number, tagToIx: Record<string, number>, embeddingDim: number, hiddenDim: number) {
    super();
    this.embeddingDim = embeddingDim;
    this.hiddenDim = hiddenDim;
    this.vocabSize = vocabSize;
    this.tagToIx = tagToIx;
    this.tagsetSize = Object.keys(tagToIx).length;

    this.wordEmbeds = new nn.Embedding(vocabSize, embeddingDim);
    this.lstm = new nn.LSTM(embeddingDim, Math.floor(hiddenDim / 2), { numLayers: 1, bidirectional: true });

    // Maps the output of the LSTM into tag space.
    this.hidden2tag = new nn.Linear(hiddenDim, this.tagsetSize);

    // Matrix of transition parameters.  Entry i,j is the score of
    // transitioning *to* i *from* j.
    this.transitions = new nn.Parameter(torch.randn(this.tagsetSize, this.tagsetSize));

    // These two statements enforce the constraint that we never transfer
    // to the start tag and we never transfer from the stop tag
    this.transitions.data.indexPut_([tagToIx[START_TAG], ':'], -10000);
    this.transitions.data.indexPut_([':', tagToIx[STOP_TAG]], -10000);

    this.hidden = this.initHidden();
  }

  initHidden(): [Tensor, Tensor] {
    return [torch.randn(2, 1, Math.floor(this.hiddenDim / 2)), torch.randn(2, 1, Math.floor(this.hiddenDim / 2))];
  }

  _forwardAlg(feats: Tensor): Tensor {
    // Do the forward algorithm to compute the partition function
    const initAlphas = torch.full([1, this.tagsetSize], -10000, { dtype: torch.float });
    // START_TAG has all of the score.
    initAlphas.index(0).indexPut_([this.tagToIx[START_TAG]], 0);

    // Wrap in a variable so that we will get automatic backprop
    let forwardVar = initAlphas;

    // Iterate through the sentence
    for (const feat of feats) {
      const alphasT: Tensor[] = []; // The forward tensors at this timestep
      for (let nextTag = 0; nextTag < this.tagsetSize; nextTag++) {
        // broadcast the emission score: it is the same regardless of the previous tag
        const emitScore = feat.index(nextTag).view(1, -1).expand(1, this.tagsetSize);
        // the ith entry of trans_score is the score of transitioning to next_tag from i
        const transScore = this.transitions.index(nextTag).view(1, -1);
        // The ith entry of next_tag_var is the value for the edge (i -> next_tag) before we do log-sum-exp
        const nextTagVar = forwardVar.add(transScore).add(emitScore);
        // The forward variable for this tag is log-sum-exp of all the scores.
        alphasT.push(logSumExp(nextTagVar).view(1));
      }
      forwardVar = torch.cat(alphasT).view(1, -1);
    }
    const terminalVar = forwardVar.add(this.transitions.index(this.tagToIx[STOP_TAG]));
    const alpha = logSumExp(terminalVar);
    return alpha;
  }

  _getLstmFeatures(sentence: Tensor): Tensor {
    this.hidden = this.initHidden();
    const embeds = this.wordEmbeds.forward(sentence).view(sentence.size(0), 1, -1) // len(sentence);
    let lstmOut: Tensor;
    [lstmOut, this.hidden] = this.lstm.forward(embeds, this.hidden);
    lstmOut = lstmOut.view(sentence.size(0), this.hiddenDim);
    const lstmFeats = this.hidden2tag.forward(lstmOut);
    return lstmFeats;
  }

  _scoreSentence(feats: Tensor, tags: Tensor): Tensor {
    // Gives the score of a provided tag sequence
    let score = torch.zeros(1);
    tags = torch.cat([torch.tensor([this.tagToIx[START_TAG]], { dtype: torch.long }), tags]);
    [...feats].forEach((feat, i) => {
      score = score.add(this.transitions.index(tags.index(i + 1), tags.index(i))).add(feat.index(tags.index(i + 1)));
    });
    score = score.add(this.transitions.index(this.tagToIx[STOP_TAG], tags.index(-1)));
    return score;
  }

  _viterbiDecode(feats: Tensor): [Tensor, number[]] {
    const backpointers: number[][] = [];

    // Initialize the viterbi variables in log space
    const initVvars = torch.full([1, this.tagsetSize], -10000, { dtype: torch.float });
    initVvars.index(0).indexPut_([this.tagToIx[START_TAG]], 0);

    // forward_var at step i holds the viterbi variables for step i-1
    let forwardVar = initVvars;
    for (const feat of feats) {
      const bptrsT: number[] = []; // holds the backpointers for this step
      const viterbivarsT: Tensor[] = []; // holds the viterbi variables for this step

      for (let nextTag = 0; nextTag < this.tagsetSize; nextTag++) {
        const nextTagVar = forwardVar.add(this.transitions.index(nextTag));
        const bestTagId = argmax(nextTagVar);
        bptrsT.push(bestTagId);
        viterbivarsT.push(nextTagVar.index(0).index(bestTagId).view(1));
      }
      // Now add in the emission scores, and assign forward_var to the set
      // of viterbi variables we just computed
      forwardVar = torch.cat(viterbivarsT).add(feat).view(1, -1);
      backpointers.push(bptrsT);
    }

    // Transition to STOP_TAG
    const terminalVar = forwardVar.add(this.transitions.index(this.tagToIx[STOP_TAG]));
    let bestTagId = argmax(terminalVar);
    const pathScore = terminalVar.index(0).index(bestTagId);

    // Follow the back pointers to decode the best path.
    const bestPath = [bestTagId];
    for (const bptrsT of [...backpointers].reverse()) {
      bestTagId = bptrsT[bestTagId];
      bestPath.push(bestTagId);
    }
    // Pop off the start tag (we dont want to return that to the caller)
    const start = bestPath.pop();
    assert.equal(start, this.tagToIx[START_TAG]); // Sanity check
    bestPath.reverse();
    return [pathScore, bestPath];
  }

  negLogLikelihood(sentence: Tensor, tags: Tensor): Tensor {
    const feats = this._getLstmFeatures(sentence);
    const forwardScore = this._forwardAlg(feats);
    const goldScore = this._scoreSentence(feats, tags);
    return forwardScore.sub(goldScore);
  }

  override forward(sentence: Tensor): [Tensor, number[]] {
    // Get the emission scores from the BiLSTM
    const lstmFeats = this._getLstmFeatures(sentence);
    // Find the best path, given the features.
    const [score, tagSeq] = this._viterbiDecode(lstmFeats);
    return [score, tagSeq];
  }
}

test('Bi-LSTM-CRF tutorial: forward algorithm, Viterbi, SGD with weight decay, as PyTorch', () => {
  torch.manualSeed(1);
  const trainingData: [string[], string[]][] = [
    ['the wall street journal reported today that apple corporation made money'.split(' '), 'B I I I O O O B I O O'.split(' ')],
    ['georgia tech is a university in georgia'.split(' '), 'B I O O O O B'.split(' ')],
  ];

  const wordToIx: Record<string, number> = {};
  for (const [sentence] of trainingData) {
    for (const word of sentence) if (!(word in wordToIx)) wordToIx[word] = Object.keys(wordToIx).length;
  }
  const tagToIx: Record<string, number> = { B: 0, I: 1, O: 2, [START_TAG]: 3, [STOP_TAG]: 4 };

  const model = new BiLSTM_CRF(Object.keys(wordToIx).length, tagToIx, EMBEDDING_DIM, HIDDEN_DIM);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, weightDecay: 1e-4 });

  // Check predictions before training
  const before = torch.noGrad(() => {
    const precheckSent = prepareSequence(trainingData[0][0], wordToIx);
    return model.forward(precheckSent);
  });
  assertTensor(before[0], fx.before.score, { rtol: 1e-5, atol: 1e-5 }, 'score before training');
  assert.deepEqual(before[1], fx.before.tags);

  const losses: number[] = [];
  let loss!: Tensor;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (const [sentence, tags] of trainingData) {
      model.zeroGrad();
      const sentenceIn = prepareSequence(sentence, wordToIx);
      const targets = torch.tensor(tags.map((t) => tagToIx[t]), { dtype: torch.long });
      loss = model.negLogLikelihood(sentenceIn, targets);
      losses.push(Number(loss.item()));
      loss.backward();
      optimizer.step();
    }
  }
  assert.deepEqual(loss.shape, fx.loss_shape);
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) <= 1e-4 * Math.abs(fx.losses[i]) + 1e-4, `loss ${i}: got ${l}, expected ${fx.losses[i]}`));

  const after = torch.noGrad(() => model.forward(prepareSequence(trainingData[0][0], wordToIx)));
  assertTensor(after[0], fx.after.score, { rtol: 1e-4, atol: 1e-4 }, 'score after training');
  assert.deepEqual(after[1], fx.after.tags);
  assertTensor(model.transitions, fx.transitions, { rtol: 1e-4, atol: 1e-5 }, 'transitions');
});
