// Containers and module registration against PyTorch (scripts/fixtures/nn_containers.py):
// Sequential / ModuleList / ModuleDict / ParameterList / ParameterDict built with
// addModule, registerModule, registerParameter, registerBuffer, append, insert, pop,
// update… print, name their state and run forward as PyTorch's; registration errors
// carry PyTorch's messages and change nothing; Module.to / type / float / double;
// torch.deepcopy of a state dict and of a model.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn, type Tensor } from '../../src/index.js';
import { assertTensor, fromJson, loadFixture, type TensorJson } from '../helpers/fixtures.js';

interface Summary {
  repr: string;
  state_dict: string[];
  named_parameters: string[];
  named_buffers: string[];
  named_modules: string[];
  named_children: string[];
  input?: TensorJson;
  output?: TensorJson;
  extra?: unknown;
  values?: (TensorJson | null)[];
  keys?: string[] | null;
}
interface ErrorJson {
  type: string;
  message: string;
  str: string;
}
interface Fixture {
  containers: Record<string, Summary>;
  errors: Record<string, ErrorJson>;
  op_errors: Record<string, ErrorJson>;
  dtypes: Record<string, Record<string, string>>;
  iteration: { input: TensorJson; rows: TensorJson[]; grad_fn: string; row_grad: TensorJson; device: string; device_repr: string };
}
const fx = loadFixture<Fixture>('nn_containers.json');

/** Python's exception types as torchlette throws them. */
const JS_ERROR: Record<string, string> = { TypeError: 'TypeError', KeyError: 'KeyError', IndexError: 'RangeError', ValueError: 'RangeError', RuntimeError: 'Error' };

function assertPyError(fn: () => unknown, expected: ErrorJson, message = expected.message): void {
  assert.throws(fn, (e: Error) => {
    assert.equal(e.name, JS_ERROR[expected.type], `error type for ${expected.type}: ${e.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

// --- the cases, as the fixture script builds them ---

class Registered extends nn.Module {
  fc = new nn.Linear(3, 2);
  declare running: Tensor;
  declare scale: nn.Parameter;
  declare head: nn.Linear;
  declare act: nn.ReLU;
  constructor() {
    super();
    this.registerBuffer('running', torch.zeros(2));
    this.registerParameter('scale', new nn.Parameter(torch.ones(2)));
    this.addModule('head', new nn.Linear(2, 2));
    this.registerModule('act', new nn.ReLU());
    this.registerBuffer('cache', torch.zeros(1), { persistent: false });
    this.addModule('missing', null);
    this.registerParameter('unused', null);
  }
  override forward(x: Tensor): Tensor {
    return this.act.forward(this.head.forward(this.fc.forward(x).mul(this.scale).add(this.running)));
  }
}

class WithParamContainers extends nn.Module {
  weights = new nn.ParameterList([new nn.Parameter(torch.rand(3, 2)), new nn.Parameter(torch.rand(2, 2))]);
  biases = new nn.ParameterDict({ second: new nn.Parameter(torch.zeros(2)), first: new nn.Parameter(torch.rand(2)) });
  override forward(x: Tensor): Tensor {
    const h = x.matmul(this.weights[0]).add(this.biases.get('first')!);
    return h.matmul(this.weights.get(1)).add(this.biases.get('second')!);
  }
}

type Built = [nn.Module, Tensor | null, unknown?];

const CASES: Record<string, () => Built> = {
  'sequential/add_module': () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    s.addModule('4', new nn.Linear(3, 1));
    return [s, torch.rand(2, 2)];
  },
  'sequential/register_module': () => {
    const s = new nn.Sequential();
    s.registerModule('conv', new nn.Linear(2, 2));
    s.addModule('act', new nn.Tanh());
    s.append(new nn.Linear(2, 1));
    return [s, torch.rand(3, 2)];
  },
  'sequential/vgg_slices': () => {
    const features = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const slice1 = new nn.Sequential();
    const slice2 = new nn.Sequential();
    for (let x = 0; x < 2; x++) slice1.addModule(String(x), features[x]);
    for (let x = 2; x < 5; x++) slice2.addModule(String(x), features[x]);
    return [new nn.Sequential(slice1, slice2), torch.rand(2, 3)];
  },
  'sequential/ordered_dict': () => {
    const s = new nn.Sequential({ fc1: new nn.Linear(3, 4), act: new nn.ReLU(), fc2: new nn.Linear(4, 2) });
    s.append(new nn.Sigmoid());
    return [s, torch.rand(2, 3)];
  },
  'sequential/insert_extend_pop': () => {
    const s = new nn.Sequential(new nn.Linear(3, 3), new nn.ReLU());
    s.insert(1, new nn.Linear(3, 3));
    s.insert(-1, new nn.Tanh());
    s.extend([new nn.Linear(3, 2), new nn.Sigmoid()]);
    s.pop(0);
    return [s, torch.rand(2, 3)];
  },
  'sequential/set_item': () => {
    const s = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
    s.set(1, new nn.Tanh());
    s.set(-1, new nn.Linear(2, 3));
    return [s, torch.rand(2, 2)];
  },
  'sequential/none_and_buffer': () => {
    const s = new nn.Sequential(new nn.Linear(2, 2));
    s.addModule('skip', null);
    s.registerBuffer('scale', torch.ones(2));
    s.registerParameter('bias0', new nn.Parameter(torch.zeros(2)));
    s.registerBuffer('tmp', torch.zeros(1), false);
    return [s, null];
  },
  'module_list/ops': () => {
    const ml = new nn.ModuleList([new nn.Linear(2, 2), new nn.ReLU()]);
    ml.append(new nn.Linear(2, 3));
    ml.extend([new nn.Tanh(), new nn.Linear(3, 1)]);
    ml.insert(1, new nn.Sigmoid());
    ml.pop(2);
    ml.addModule('extra', new nn.Linear(1, 1));
    ml.set(0, new nn.Linear(2, 2, { bias: false }));
    return [ml, null];
  },
  'module_list/empty': () => [new nn.ModuleList(), null],
  'module_dict/ops': () => {
    const md = new nn.ModuleDict({ b: new nn.Linear(2, 2), a: new nn.ReLU() });
    md.update([
      ['c', new nn.Linear(2, 1)],
      ['a', new nn.Tanh()],
    ]);
    md.set('d', new nn.Linear(1, 1));
    md.addModule('e', null);
    md.pop('b');
    return [md, null];
  },
  'module/registered': () => [new Registered(), torch.rand(2, 3)],
  'parameter_list/ops': () => {
    const pl = new nn.ParameterList([new nn.Parameter(torch.rand(2, 3))]);
    const one = String(pl);
    pl.append(torch.rand(4));
    pl.extend([new nn.Parameter(torch.rand(1, 2, { dtype: 'float64' })), torch.zeros(2, { dtype: 'float64' })]);
    pl.set(0, torch.ones(3));
    return [pl, null, one];
  },
  'parameter_list/mixed': () => [new nn.ParameterList([torch.ones(2), 5, 'x', null] as unknown as Tensor[]), null],
  'parameter_dict/ops': () => {
    const pd = new nn.ParameterDict({ b: new nn.Parameter(torch.rand(2)), a: torch.rand(3, 1) });
    const one = String(new nn.ParameterDict({ w: new nn.Parameter(torch.rand(2, 2)) }));
    pd.update(
      new Map([
        ['z', torch.zeros(1)],
        ['c', torch.ones(2, { dtype: 'float64' })],
      ]),
    );
    pd.set('y', torch.ones(1));
    pd.setdefault('x', torch.zeros(2));
    const popped = pd.popitem()[0];
    pd.delete('b');
    return [pd, null, { one, popped }];
  },
  'parameter_containers/in_module': () => [new WithParamContainers(), torch.rand(2, 3)],
};

describe('containers as PyTorch builds them (repr, state dict, names, forward)', () => {
  for (const [name, expected] of Object.entries(fx.containers)) {
    test(name, () => {
      torch.manualSeed(0);
      const [m, x, extra] = CASES[name]();
      assert.equal(String(m), expected.repr, 'repr');
      assert.deepEqual(Object.keys(m.stateDict()), expected.state_dict, 'state_dict keys');
      assert.deepEqual([...m.namedParameters()].map(([n]) => n), expected.named_parameters, 'named_parameters');
      assert.deepEqual([...m.namedBuffers()].map(([n]) => n), expected.named_buffers, 'named_buffers');
      assert.deepEqual([...m.namedModules()].map(([n]) => n), expected.named_modules, 'named_modules');
      assert.deepEqual([...m.namedChildren()].map(([n]) => n), expected.named_children, 'named_children');
      if (expected.extra !== undefined) assert.deepEqual(extra, expected.extra);
      if (expected.output !== undefined) {
        assertTensor(x as Tensor, expected.input as TensorJson, { rtol: 0, atol: 0 }, 'input');
        assertTensor(m.forward(x) as Tensor, expected.output, {}, 'output');
      }
      if (expected.values) {
        const values = m instanceof nn.ParameterList ? [...m] : [...(m as nn.ParameterDict).values()];
        assert.equal(values.length, expected.values.length);
        values.forEach((v, i) => {
          const want = expected.values![i];
          if (want === null) assert.ok(!(v instanceof torch.Tensor));
          else {
            assert.ok(v instanceof nn.Parameter, `item ${i} is a Parameter`);
            assertTensor(v, want, { rtol: 0, atol: 0 }, `item ${i}`);
          }
        });
      }
      if (expected.keys) assert.deepEqual([...(m as nn.ParameterDict).keys()], expected.keys);
    });
  }

  test('items read as properties: seq[0], dict.proj, list[1] (Python getattr / indexing)', () => {
    const a = new nn.Linear(2, 2);
    const seq = new nn.Sequential(a, new nn.ReLU());
    assert.equal(seq[0], a);
    assert.equal(seq.get(-2), a);
    assert.equal(seq.at(-2), a); // Python's seq[-2], as Array's at()
    assert.equal(new nn.ModuleList([new nn.ReLU(), a]).at(-1), a);
    const named = new nn.Sequential({ conv: a });
    assert.equal((named as unknown as Record<string, nn.Module>).conv, a);
    const md = new nn.ModuleDict({ proj: a });
    assert.equal((md as unknown as Record<string, nn.Module>).proj, a);
    const p = new nn.Parameter(torch.ones(1));
    const pl = new nn.ParameterList([torch.zeros(1), p]);
    assert.equal(pl[1], p);
    assert.equal(pl.at(-1), p);
    // Assigning an item property is Python's item assignment: a Tensor becomes a Parameter; a non-module is refused.
    (pl as unknown as Record<number, Tensor>)[0] = torch.ones(3);
    assert.ok(pl[0] instanceof nn.Parameter);
    assert.deepEqual(pl[0].shape, [3]);
    assert.throws(() => ((seq as unknown as Record<number, unknown>)[1] = 5), { name: 'TypeError', message: "cannot assign 'int' as child module '1' (torch.nn.Module or None expected)" });
    assert.equal(String(seq[1]), 'ReLU()');
  });

  test('ModuleDict and ParameterDict iterate their keys; ModuleList its modules', () => {
    const md = new nn.ModuleDict([
      ['x', new nn.ReLU()],
      ['y', new nn.Tanh()],
    ]);
    assert.deepEqual([...md], ['x', 'y']);
    assert.deepEqual([...md.items()].map(([k, m]) => `${k}=${m}`), ['x=ReLU()', 'y=Tanh()']);
    assert.equal(md.length, 2);
    assert.equal(md.has('x'), true);
    md.delete('x');
    assert.deepEqual([...md.keys()], ['y']);
    md.clear();
    assert.equal(md.length, 0);
    assert.equal(String(md), 'ModuleDict()');
    const ml = new nn.ModuleList([new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid()]);
    assert.deepEqual([...ml].map(String), ['ReLU()', 'Tanh()', 'Sigmoid()']);
    assert.deepEqual([...ml.slice(1)].map(String), ['Tanh()', 'Sigmoid()']);
    assert.deepEqual(Object.keys(ml.slice(-2).stateDict()), []);
    const pd = new nn.ParameterDict({ a: torch.ones(1) });
    assert.deepEqual([...pd], ['a']);
    assert.equal(pd.get('missing'), null);
    assert.equal(pd.copy().get('a'), pd.get('a'));
  });

  test('Sequential.slice keeps names; forward runs every module added later', () => {
    torch.manualSeed(0);
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1));
    const head = seq.slice(1);
    assert.equal(String(head), 'Sequential(\n  (1): ReLU()\n  (2): Linear(in_features=2, out_features=1, bias=True)\n)');
    const scale = new nn.Linear(1, 1);
    seq.addModule('3', scale);
    const x = torch.rand(3, 2);
    const expected = scale.forward(head.forward(seq[0].forward(x) as Tensor) as Tensor) as Tensor;
    assert.deepEqual(seq.forward(x).tolist(), expected.tolist());
    assert.equal([...seq.parameters()].length, 6);
  });
});

describe('registration errors are PyTorch\'s and change nothing', () => {
  const lin = () => new nn.Linear(2, 2);
  const s = () => new nn.Sequential(new nn.Linear(2, 2));
  const t = torch.ones(2);
  const THUNKS: Record<string, () => unknown> = {
    'add_module/dot': () => s().addModule('a.b', lin()),
    'add_module/empty': () => s().addModule('', lin()),
    'add_module/exists': () => s().addModule('forward', lin()),
    'add_module/exists_param': () => lin().addModule('weight', lin()),
    'add_module/not_module': () => s().addModule('x', 5 as unknown as nn.Module),
    'add_module/not_module_tensor': () => s().addModule('x', t as unknown as nn.Module),
    'add_module/name_type': () => s().addModule(3 as unknown as string, lin()),
    'register_buffer/dot': () => lin().registerBuffer('a.b', t),
    'register_buffer/empty': () => lin().registerBuffer('', t),
    'register_buffer/exists': () => lin().registerBuffer('weight', t),
    'register_buffer/not_tensor': () => lin().registerBuffer('b', 5 as unknown as Tensor),
    'register_buffer/name_type': () => lin().registerBuffer(3 as unknown as string, t),
    'register_parameter/dot': () => lin().registerParameter('a.b', new nn.Parameter(t)),
    'register_parameter/empty': () => lin().registerParameter('', new nn.Parameter(t)),
    'register_parameter/exists': () => s().registerParameter('0', new nn.Parameter(t)),
    'register_parameter/not_parameter': () => lin().registerParameter('p', t as nn.Parameter),
    'sequential/not_module': () => new nn.Sequential(new nn.Linear(2, 2), 5 as unknown as nn.Module),
    'sequential/index': () => s().get(3),
    'sequential/insert_range': () => s().insert(5, lin()),
    'module_list/extend': () => new nn.ModuleList().extend(5 as unknown as nn.Module[]),
    'module_list/index': () => new nn.ModuleList([lin()]).get(-2),
    'module_dict/missing': () => new nn.ModuleDict().get('x'),
    'module_dict/pair_length': () => new nn.ModuleDict([['a', lin(), 1]] as unknown as [string, nn.Module][]),
    'module_dict/pair_type': () => new nn.ModuleDict([5] as unknown as [string, nn.Module][]),
    'parameter_list/extend': () => new nn.ParameterList().extend(t),
    'parameter_list/index': () => new nn.ParameterList([t]).get(1),
    'parameter_list/call': () => new nn.ParameterList([t]).forward(t),
    'parameter_dict/key_type': () => new nn.ParameterDict().get(5 as unknown as string),
    'parameter_dict/call': () => new nn.ParameterDict().forward(t),
    'module/to_int': () => lin().to('int64'),
    'tensor/iter_0d': () => [...torch.tensor(1.0)],
    'tensor/type_invalid': () => t.type('foo'),
  };
  for (const [name, expected] of Object.entries(fx.errors)) {
    test(name, () => {
      // A missing key prints quoted, as Python prints a KeyError.
      assertPyError(THUNKS[name], expected, name === 'module_dict/missing' ? expected.str : expected.message);
    });
  }

  test('a failed registration leaves the container as it was', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    const before = [String(seq), Object.keys(seq.stateDict()).join(), seq.length];
    assert.throws(() => seq.addModule('a.b', new nn.Linear(1, 1)), { name: 'KeyError' });
    assert.throws(() => seq.addModule('x', 5 as unknown as nn.Module), TypeError);
    assert.throws(() => seq.registerParameter('1', new nn.Parameter(torch.ones(1))), { name: 'KeyError' });
    assert.throws(() => seq.registerBuffer('length', torch.ones(1)), { name: 'KeyError', message: "attribute 'length' already exists" });
    assert.throws(() => new nn.ModuleDict().update(5 as unknown as nn.ModuleDict), { name: 'TypeError', message: 'ModuleDict.update should be called with an iterable of key/value pairs, but got int' });
    assert.deepEqual([String(seq), Object.keys(seq.stateDict()).join(), seq.length], before);
    const md = new nn.ModuleDict({ a: new nn.ReLU() });
    assert.throws(() => md.update({ b: new nn.Tanh(), 'c.d': new nn.Tanh() }), { name: 'KeyError' });
    assert.deepEqual([...md.keys()], ['a', 'b'], 'the items before the bad one are added, as in PyTorch');
  });

  test('replacing a registered module, parameter or buffer by name is allowed', () => {
    const m = new nn.Linear(2, 2);
    const w = new nn.Parameter(torch.zeros(2, 2));
    m.registerParameter('weight', w);
    assert.equal(m.weight, w);
    m.registerBuffer('b', torch.ones(1));
    m.registerBuffer('b', torch.zeros(1));
    assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'bias', 'b']);
    const seq = new nn.Sequential(new nn.ReLU());
    seq.addModule('0', new nn.Tanh());
    assert.equal(String(seq), 'Sequential(\n  (0): Tanh()\n)');
  });
});

describe('positional and options forms, and JavaScript-style mistakes', () => {
  test('registration: PyTorch positional order, options, mixed', () => {
    const m = new nn.Module();
    m.registerBuffer('a', torch.ones(1), false);
    m.registerBuffer('b', torch.ones(1), { persistent: false });
    m.registerBuffer({ name: 'c', tensor: torch.ones(1) });
    m.addModule({ name: 'fc', module: new nn.Linear(1, 1) });
    m.registerParameter('p', { param: new nn.Parameter(torch.ones(1)) });
    assert.deepEqual(Object.keys(m.stateDict()), ['p', 'c', 'fc.weight', 'fc.bias']);
    assert.deepEqual([...m.namedBuffers()].map(([n]) => n), ['a', 'b', 'c']);
  });

  test('wrong options for registration and containers name the problem', () => {
    const m = new nn.Module();
    const cases: [() => unknown, string][] = [
      [() => m.registerBuffer('a', torch.ones(1), { persistant: false } as never), "registerBuffer(): unexpected option 'persistant'; accepted options: name, tensor, persistent"],
      [() => m.registerBuffer('a', torch.ones(1), 1 as unknown as boolean), "registerBuffer(): argument 'persistent' (position 3) must be a bool, not int"],
      [() => m.registerBuffer('a', torch.ones(1), false, { persistent: true }), "registerBuffer(): got multiple values for argument 'persistent'"],
      [() => m.addModule('x'), "addModule(): missing required argument 'module'"],
      [() => new nn.ModuleList(5 as unknown as nn.Module[]), "ModuleList(): argument 'modules' (position 1) must be an iterable or null, not int"],
      [() => new nn.ModuleList({ module: [] } as never), "ModuleList(): unexpected option 'module'; accepted options: modules"],
      [() => new nn.ParameterList(7 as unknown as Tensor[]), "ParameterList(): argument 'values' (position 1) must be an iterable or null, not int"],
      [() => new nn.ParameterDict(7 as never), "ParameterDict(): argument 'parameters' (position 1) must be an object, a Map or an iterable of [key, value] pairs or null, not int"],
      [() => m.stateDict({ keep_vars: true } as never), "stateDict(): unexpected option 'keep_vars' — did you mean 'keepVars'?"],
      [() => m.zeroGrad({ set_to_none: true } as never), "zeroGrad(): unexpected option 'set_to_none' — did you mean 'setToNone'?"],
      [() => m.train(1 as unknown as boolean), "train(): argument 'mode' (position 1) must be a bool, not int"],
      [() => new nn.Linear(2, 2).loadStateDict({}, { strcit: false } as never), "loadStateDict(): unexpected option 'strcit'; accepted options: stateDict, strict"],
    ];
    for (const [fn, message] of cases) assert.throws(fn, { name: 'TypeError', message });
    assert.equal(m.stateDict.length, 0);
    assert.deepEqual([...m.namedBuffers()], []);
  });

  test('Parameter(data=None, requires_grad=True): positional, options, errors', () => {
    const data = torch.ones(2);
    assert.equal(new nn.Parameter(data, false).requiresGrad, false);
    assert.equal(new nn.Parameter(data, { requiresGrad: false }).requiresGrad, false);
    assert.equal(new nn.Parameter({ data }).requiresGrad, true);
    assert.deepEqual(new nn.Parameter().shape, [0]);
    assert.throws(() => new nn.Parameter([1, 2] as never), { name: 'TypeError', message: "Parameter(): argument 'data' (position 1) must be Tensor or null, not list" });
    assert.throws(() => new nn.Parameter(data, { requires_grad: false } as never), { name: 'TypeError', message: "Parameter(): unexpected option 'requires_grad' — did you mean 'requiresGrad'?" });
    assert.equal(data.requiresGrad, false);
    assert.ok(new nn.KeyError('x') instanceof Error);
  });

  test('containers: positional, options and null', () => {
    const a = new nn.ReLU();
    assert.equal(String(new nn.ModuleList({ modules: [a] })), String(new nn.ModuleList([a])));
    assert.equal(String(new nn.ModuleList(null)), 'ModuleList()');
    assert.equal(String(new nn.ModuleDict(null)), 'ModuleDict()');
    assert.equal(new nn.ParameterList({ values: [torch.ones(1)] }).length, 1);
    assert.equal(new nn.ParameterDict(null).length, 0);
    // A plain object is ModuleDict's modules (Python's dict), never an options bag.
    assert.deepEqual([...new nn.ModuleDict({ device: a }).keys()], ['device']);
    // …and its names follow add_module's rules: a method's name is taken, as in PyTorch.
    assert.throws(() => new nn.ModuleDict({ modules: a }), { name: 'KeyError', message: "attribute 'modules' already exists" });
  });

  test('stateDict(*, destination, prefix, keepVars) is keyword-only; loadStateDict(stateDict, strict)', () => {
    const lin = new nn.Linear(2, 1);
    assert.deepEqual(Object.keys(lin.stateDict({ prefix: 'fc.' })), ['fc.weight', 'fc.bias']);
    assert.equal(lin.stateDict({ keepVars: true }).weight, lin.weight);
    assert.notEqual(lin.stateDict().weight, lin.weight);
    const destination: Record<string, Tensor> = { other: torch.ones(1) };
    assert.equal(lin.stateDict({ destination }), destination);
    assert.deepEqual(Object.keys(destination), ['other', 'weight', 'bias']);
    // A state dict passed where the options go is refused loudly, not merged.
    assert.throws(() => lin.stateDict(lin.stateDict() as never), { name: 'TypeError', message: /^stateDict\(\): unexpected option 'weight'/ });
    const res = lin.loadStateDict({ weight: torch.zeros(1, 2) }, false);
    assert.deepEqual(res, { missingKeys: ['bias'], unexpectedKeys: [] });
    assert.equal(lin.weight.abs().sum().item(), 0);
  });
});

describe('Module.to / type / float / double / cpu', () => {
  const build = () => new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
  const dtypes = (m: nn.Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.dtype]));
  const CALLS: Record<string, (m: nn.Sequential) => nn.Module> = {
    double: (m) => m.double(),
    double_float: (m) => m.double().float(),
    to_float64: (m) => m.to(torch.float64),
    to_device_dtype: (m) => m.to(torch.device('cpu'), torch.float64),
    to_kwargs: (m) => m.to({ dtype: torch.float64 }),
    to_tensor: (m) => m.to(torch.zeros(1, { dtype: 'float64' })),
    type_float64: (m) => m.type(torch.float64),
    type_legacy: (m) => m.type('torch.DoubleTensor'),
    cpu: (m) => m.cpu(),
  };
  for (const [name, expected] of Object.entries(fx.dtypes)) {
    test(name, () => {
      const m = build();
      assert.equal(CALLS[name](m), m, 'returns the module');
      assert.deepEqual(dtypes(m), expected);
    });
  }

  test('parameters keep their identity (optimizers still hold them), gradients convert too', () => {
    const lin = new nn.Linear(2, 2);
    const w = lin.weight;
    lin.forward(torch.ones(1, 2)).sum().backward();
    lin.double();
    assert.equal(lin.weight, w);
    assert.equal(w.dtype, 'float64');
    assert.equal(w.grad?.dtype, 'float64');
    assert.equal(w.requiresGrad, true);
  });

  test("'cuda' and bad arguments throw; nothing changes", () => {
    const lin = new nn.Linear(2, 2);
    assert.throws(() => lin.to('cuda'), /CPU only/);
    assert.throws(() => lin.to(torch.device('cpu'), 'int64'), { name: 'TypeError', message: 'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64' });
    assert.throws(() => lin.to({ dtpye: 'float64' } as never), { name: 'TypeError', message: "to(): unexpected option 'dtpye'; accepted options: device, dtype, nonBlocking, copy, memoryFormat" });
    assert.throws(() => lin.to({ non_blocking: true } as never), { name: 'TypeError', message: "to(): unexpected option 'non_blocking' — did you mean 'nonBlocking'?" });
    assert.throws(() => lin.cuda(), /CPU only/);
    assert.equal(lin.weight.dtype, 'float32');
  });
});

describe('torch.deepcopy (copy.deepcopy)', () => {
  test("the tutorial's best_model_wts: later training does not change the copy", () => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const bestModelWts = torch.deepcopy(model.stateDict());
    const snapshot = Object.fromEntries(Object.entries(bestModelWts).map(([k, v]) => [k, v.tolist()]));
    const opt = new torch.optim.SGD(model.parameters(), 0.5);
    model.forward(torch.rand(4, 3)).sum().backward();
    opt.step();
    assert.notDeepEqual(model.stateDict()['0.weight'].tolist(), snapshot['0.weight'], 'the model trained');
    assert.deepEqual(Object.fromEntries(Object.entries(bestModelWts).map(([k, v]) => [k, v.tolist()])), snapshot);
    assert.deepEqual(Object.keys(bestModelWts), Object.keys(model.stateDict()));
    model.loadStateDict(bestModelWts);
    assert.deepEqual(model.stateDict()['0.weight'].tolist(), snapshot['0.weight']);
    // The plain stateDict() shares memory, as PyTorch's.
    const shared = model.stateDict();
    model.get(0).apply((m) => (m as nn.Linear).weight?.data.fill_(3));
    assert.equal(shared['0.weight'].sum().item(), 18);
    assert.notEqual(bestModelWts['0.weight'].sum().item(), 18);
  });

  test('a model copy is independent and runs the same forward, with its own hooks', () => {
    torch.manualSeed(1);
    const policy = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    let calls = 0;
    policy.registerForwardHook(() => {
      calls++;
    });
    const target = torch.deepcopy(policy);
    const x = torch.rand(4, 2);
    assert.deepEqual(target.forward(x).tolist(), policy.forward(x).tolist());
    assert.equal(calls, 2, 'the hook list is copied and runs for the copy');
    assert.notEqual(target[0], policy[0]);
    assert.ok(target[0] instanceof nn.Linear);
    assert.equal(String(target), String(policy));
    (policy[0] as nn.Linear).weight.data.fill_(0);
    assert.notEqual((target[0] as nn.Linear).weight.abs().sum().item(), 0);
    assert.equal([...target.parameters()].every((p) => p instanceof nn.Parameter && p.requiresGrad), true);
  });

  test('views stay views of one copy; grads are copied; non-leaves throw', () => {
    const base = torch.arange(6, { dtype: 'float32' });
    const [a, b] = torch.deepcopy([base.view(2, 3), base.narrow(0, 1, 2)]);
    a.fill_(1);
    assert.deepEqual(b.tolist(), [1, 1]);
    assert.deepEqual(base.tolist(), [0, 1, 2, 3, 4, 5]);
    const leaf = torch.ones(2, { requiresGrad: true });
    leaf.grad = torch.full([2], 3, { dtype: 'float32' });
    const c = torch.deepcopy(leaf);
    assert.equal(c.requiresGrad, true);
    assert.equal(c.isLeaf, true);
    assert.deepEqual(c.grad?.tolist(), [3, 3]);
    assert.notEqual(c.grad, leaf.grad);
    assert.throws(() => torch.deepcopy(leaf.mul(2)), /Only Tensors created explicitly by the user \(graph leaves\) support the deepcopy protocol/);
    const nested = { m: new Map([['k', [torch.ones(1)]]]), n: 3, s: 'x' };
    const copy = torch.deepcopy(nested);
    copy.m.get('k')![0].fill_(5);
    assert.equal(nested.m.get('k')![0].item(), 1);
    assert.equal(copy.n, 3);
  });
});
