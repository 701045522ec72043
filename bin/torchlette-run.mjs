#!/usr/bin/env node
// torchlette-run: torchrun for torchlette. Starts --nproc-per-node ranks of a script on this
// node with PyTorch's environment (MASTER_ADDR, MASTER_PORT, RANK, LOCAL_RANK, WORLD_SIZE,
// LOCAL_WORLD_SIZE, GROUP_RANK), so torch.distributed.initProcessGroup('gloo') finds the job
// (rank 0 hosts the TCP store). TypeScript scripts run through tsx, as the examples do.
// Each output line is prefixed with its rank ("[rank1]:…"); SIGINT/SIGTERM are forwarded;
// when a rank fails the others are stopped and the launcher exits 1 naming the rank and its
// exit code (or signal).
//
//   torchlette-run --nproc-per-node N [--nnodes M --node-rank K --master-addr A --master-port P] script.ts args…
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { constants } from 'node:os';

const USAGE = `usage: torchlette-run [--nproc-per-node N] [--nnodes M] [--node-rank K] [--master-addr A] [--master-port P] [--standalone] [--no-prefix] script [args...]

  --nproc-per-node N   processes on this node (an int, or 'cpu'/'auto' for one per CPU; default 1)
  --nnodes M           nodes in the job (default 1); start the same command on each node
  --node-rank K        this node's rank among them (default 0)
  --master-addr A      the address of node 0, where rank 0 hosts the store (default 127.0.0.1)
  --master-port P      its port (default 29500)
  --standalone         one node, a free port chosen here
  --no-prefix          do not prefix output lines with [rankN]:`;

function fail(message) {
  console.error(`torchlette-run: ${message}\n${USAGE}`);
  process.exit(2);
}

/** torchrun's flags, with '-' or '_' (--nproc-per-node, --nproc_per_node) and --flag=value. */
function parseArgs(argv) {
  const opts = { nprocPerNode: '1', nnodes: '1', nodeRank: '0', masterAddr: '127.0.0.1', masterPort: '29500', standalone: false, prefix: true };
  const names = { 'nproc-per-node': 'nprocPerNode', nnodes: 'nnodes', 'node-rank': 'nodeRank', 'master-addr': 'masterAddr', 'master-port': 'masterPort' };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) break;
    if (arg === '--') {
      i++;
      break;
    }
    let [flag, value] = arg.slice(2).split(/=(.*)/s, 2);
    flag = flag.replaceAll('_', '-');
    if (flag === 'help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (flag === 'standalone') opts.standalone = true;
    else if (flag === 'no-prefix') opts.prefix = false;
    else if (flag in names) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) fail(`--${flag} needs a value`);
      }
      opts[names[flag]] = value;
    } else fail(`unknown option --${flag}`);
  }
  if (i >= argv.length) fail('no script given');
  const nproc = opts.nprocPerNode === 'cpu' || opts.nprocPerNode === 'auto' ? cpus().length : Number(opts.nprocPerNode);
  const int = (v, name, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
  return {
    nproc: int(nproc, 'nproc-per-node', 1),
    nnodes: int(opts.nnodes, 'nnodes', 1),
    nodeRank: int(opts.nodeRank, 'node-rank', 0),
    masterAddr: opts.masterAddr,
    masterPort: int(opts.masterPort, 'master-port', 0),
    standalone: opts.standalone,
    prefix: opts.prefix,
    script: argv[i],
    scriptArgs: argv.slice(i + 1),
  };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** How to run the script: TypeScript through tsx (found from the script's folder or here), JS with node. */
function command(script) {
  const ext = extname(script);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts' || ext === '.tsx') {
    let tsx;
    for (const from of [resolve(script), import.meta.url]) {
      try {
        tsx = createRequire(from).resolve('tsx');
        break;
      } catch {
        // try the next place
      }
    }
    if (tsx === undefined) {
      console.error('torchlette-run: running a TypeScript script needs tsx (npm install --save-dev tsx), or give a .js file');
      process.exit(2);
    }
    // the resolved loader, not the bare name: Node resolves --import from the working directory,
    // which may not see this tsx (torchrun runs a script from any directory)
    return [process.execPath, ['--import', pathToFileURL(tsx).href, script]];
  }
  return [process.execPath, [script]];
}

const opts = parseArgs(process.argv.slice(2));
if (opts.nodeRank >= opts.nnodes) fail(`--node-rank ${opts.nodeRank} must be less than --nnodes ${opts.nnodes}`);
if (opts.standalone) {
  if (opts.nnodes !== 1) fail('--standalone is for one node (--nnodes 1)');
  opts.masterAddr = '127.0.0.1';
  opts.masterPort = await freePort();
}
const worldSize = opts.nproc * opts.nnodes;
const [exe, baseArgs] = command(opts.script);

const children = [];
let failed = null;
let stopping = null; // the signal this launcher got, if any

function stopAll(signal) {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
}

function pipe(stream, out, rank) {
  if (!opts.prefix) {
    stream.pipe(out);
    return;
  }
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`[rank${rank}]:${line}\n`));
}

const exits = [];
for (let local = 0; local < opts.nproc; local++) {
  const rank = opts.nodeRank * opts.nproc + local;
  const env = {
    ...process.env,
    MASTER_ADDR: opts.masterAddr,
    MASTER_PORT: String(opts.masterPort),
    RANK: String(rank),
    LOCAL_RANK: String(local),
    WORLD_SIZE: String(worldSize),
    LOCAL_WORLD_SIZE: String(opts.nproc),
    GROUP_RANK: String(opts.nodeRank),
    ROLE_RANK: String(rank),
    ROLE_WORLD_SIZE: String(worldSize),
    TORCHELASTIC_RUN_ID: 'none',
  };
  const child = spawn(exe, [...baseArgs, ...opts.scriptArgs], { env, stdio: ['inherit', 'pipe', 'pipe'] });
  children.push(child);
  pipe(child.stdout, process.stdout, rank);
  pipe(child.stderr, process.stderr, rank);
  exits.push(
    new Promise((done) => {
      child.on('error', (e) => {
        if (failed === null) failed = { rank, local, pid: child.pid, code: null, signal: null, error: e.message };
        stopAll('SIGTERM');
        done();
      });
      child.on('exit', (code, signal) => {
        if ((code !== 0 || signal !== null) && failed === null && stopping === null) {
          failed = { rank, local, pid: child.pid, code, signal };
          // One rank failed: stop the others (SIGTERM, then SIGKILL after a grace period).
          stopAll('SIGTERM');
          setTimeout(() => stopAll('SIGKILL'), 5000).unref();
        }
        done();
      });
    }),
  );
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = sig;
    stopAll(sig);
    setTimeout(() => stopAll('SIGKILL'), 5000).unref();
  });
}

await Promise.all(exits);
// Like a process killed by the signal (the shell's 128 + signal number).
if (stopping !== null) process.exit(128 + constants.signals[stopping]);
if (failed !== null) {
  const how = failed.error
    ? `could not start (${failed.error})`
    : failed.signal !== null
      ? `was killed by ${failed.signal} (exitcode: -${constants.signals[failed.signal]})`
      : `failed with exit code ${failed.code}`;
  console.error(`torchlette-run: rank ${failed.rank} (local_rank: ${failed.local}, pid: ${failed.pid}) ${how}; the other ranks were stopped`);
  process.exit(1);
}
