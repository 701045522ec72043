// Command-line options shared by the examples: every example takes --quick (or
// TORCHLETTE_QUICK=1) for a run of a few seconds, --out <dir> for what it writes, and
// --help; the rest are its own.
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Options that may be given more than once (e.g. several image files). */
  multiple?: boolean;
}

export class Args {
  constructor(
    readonly values: Record<string, string | boolean | string[] | undefined>,
    readonly positionals: string[],
    /** A short run: few batches, tiny subsets (tests and a first try). */
    readonly quick: boolean,
    /** The folder the example writes into (created). */
    readonly out: string,
  ) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A number option: its value if given, else `quickDefault` in a quick run, else `fullDefault`. */
  number(name: string, fullDefault: number, quickDefault = fullDefault): number {
    const v = this.string(name);
    if (v === undefined) return this.quick ? quickDefault : fullDefault;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got '${v}'`);
    return n;
  }
}

export interface CliSpec {
  /** The example's name; its default output folder is out/<name>. */
  name: string;
  /** One line for --help. */
  about: string;
  options?: Record<string, OptionSpec>;
  /** The default output folder, or null for an example that writes nothing. */
  out?: string | null;
}

/** Parses process.argv for an example. */
export function parseCli(spec: CliSpec): Args {
  const defaultOut = spec.out === undefined ? `out/${spec.name}` : spec.out;
  const all: Record<string, OptionSpec> = {
    quick: { type: 'boolean', help: 'a short run (few batches, tiny subsets); also TORCHLETTE_QUICK=1' },
    ...(defaultOut === null ? {} : { out: { type: 'string', help: `output folder (default ${defaultOut})` } }),
    help: { type: 'boolean', help: 'show this help' },
    ...spec.options,
  } satisfies Record<string, OptionSpec>;
  const { values, positionals } = parseArgs({
    options: Object.fromEntries(Object.entries(all).map(([k, o]) => [k, { type: o.type, multiple: o.multiple ?? false }])),
    allowPositionals: true,
  });
  if (values.help) {
    console.log(`${spec.about}\n\nOptions:`);
    for (const [k, o] of Object.entries(all)) console.log(`  --${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(28) + o.help);
    process.exit(0);
  }
  const env = process.env.TORCHLETTE_QUICK;
  const quick = values.quick === true || (env !== undefined && env !== '' && env !== '0');
  const out = typeof values.out === 'string' ? values.out : (defaultOut ?? '');
  if (out) mkdirSync(out, { recursive: true });
  return new Args(values as Args['values'], positionals, quick, out);
}

/** "1:05" */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
