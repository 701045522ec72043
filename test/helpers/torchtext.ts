// The pieces of torchtext the ported tutorials use (torchlette has no torchtext): getTokenizer and
// buildVocabFromIterator with torchtext's behaviour. This is the twin of scripts/fixtures/torchtext_lite.py,
// which the fixture scripts use; change both together, or the tests and the fixtures part ways.
import assert from 'node:assert/strict';

// torchtext.data.utils._basic_english_normalize
const _patterns = [/'/g, /"/g, /\./g, /<br \/>/g, /,/g, /\(/g, /\)/g, /!/g, /\?/g, /;/g, /:/g, /\s+/g];
const _replacements = [" '  ", '', ' . ', ' ', ' , ', ' ( ', ' ) ', ' ! ', ' ? ', ' ', ' ', ' '];
const _patternsDict = _patterns.map((p, i) => [p, _replacements[i]] as const);

function _basicEnglishNormalize(line: string): string[] {
  line = line.toLowerCase();
  for (const [patternRe, replacedStr] of _patternsDict) line = line.replace(patternRe, replacedStr);
  return line.split(/\s+/).filter((t) => t.length > 0); // str.split()
}

/** Stands for spaCy's tokenizers (not installed on PyTorch's side either): words and punctuation marks, ASCII only. */
function _spacyStandIn(line: string): string[] {
  return line.match(/[A-Za-z0-9]+|[^A-Za-z0-9\s]/g) ?? [];
}

/** torchtext.data.utils.get_tokenizer: 'basic_english' (torchtext's own), or 'spacy' (the stand-in for any language model). */
export function getTokenizer(tokenizer: 'basic_english' | 'spacy', _opts?: { language: string }): (line: string) => string[] {
  if (tokenizer === 'basic_english') return _basicEnglishNormalize;
  assert.equal(tokenizer, 'spacy');
  return _spacyStandIn;
}

/**
 * torchtext.vocab.Vocab: get(token) for vocab[token] (the default index for unknown tokens), call(tokens) for
 * vocab(tokens), has(token) for `token in vocab`, insertToken / reassignToken, setDefaultIndex, lookupTokens, getItos.
 */
export class Vocab {
  itos: string[];
  stoi = new Map<string, number>();
  defaultIndex: number | null = null;

  constructor(itos: string[]) {
    this.itos = [...itos];
    this.reindex();
  }

  private reindex(): void {
    this.stoi = new Map(this.itos.map((t, i) => [t, i]));
  }

  get length(): number {
    return this.itos.length;
  }

  has(token: string): boolean {
    return this.stoi.has(token);
  }

  get(token: string): number {
    const i = this.stoi.get(token);
    if (i !== undefined) return i;
    if (this.defaultIndex === null) throw new Error(`Token ${token} not found and default index is not set`);
    return this.defaultIndex;
  }

  call(tokens: string[]): number[] {
    return tokens.map((t) => this.get(t));
  }

  insertToken(token: string, index: number): void {
    assert.ok(!this.has(token));
    this.itos.splice(index, 0, token);
    this.reindex();
  }

  reassignToken(token: string, index: number): void {
    this.itos.splice(this.itos.indexOf(token), 1);
    this.itos.splice(index, 0, token);
    this.reindex();
  }

  setDefaultIndex(index: number): void {
    this.defaultIndex = index;
  }

  lookupTokens(indices: number[]): string[] {
    return indices.map((i) => this.itos[i]);
  }

  getItos(): string[] {
    return [...this.itos];
  }
}

/**
 * torchtext.vocab.build_vocab_from_iterator: tokens by frequency (descending), ties in lexicographic (code point)
 * order, those below minFreq left out; the specials first (or last).
 */
export function buildVocabFromIterator(iterator: Iterable<string[]>, { minFreq = 1, specials = [] as string[], specialFirst = true } = {}): Vocab {
  const counter = new Map<string, number>();
  for (const tokens of iterator) for (const t of tokens) counter.set(t, (counter.get(t) ?? 0) + 1);
  // sorted(key=token), then a stable sort by frequency, descending (code-point order = UTF-16 order here: ASCII)
  const sortedByFreqTuples = [...counter.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  sortedByFreqTuples.sort((a, b) => b[1] - a[1]);
  const itos = sortedByFreqTuples.filter(([t, c]) => c >= minFreq && !specials.includes(t)).map(([t]) => t);
  return new Vocab(specialFirst ? [...specials, ...itos] : [...itos, ...specials]);
}
