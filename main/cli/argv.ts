/**
 * The reference's options are snake_case (--load_size); kebab-case (--load-size) is accepted too by
 * rewriting it before parsing. Values after `=` and positional arguments are left alone.
 */
export function normaliseOptionNames(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    if (!arg.startsWith('--') || arg === '--') return arg;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const rest = eq < 0 ? '' : arg.slice(eq);
    return `--${name.replaceAll('-', '_')}${rest}`;
  });
}

export function parseIntOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new Error(`--${name} expects a whole number, got '${value}'`);
    return n;
  };
}

export function parseFloatOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got '${value}'`);
    return n;
  };
}
