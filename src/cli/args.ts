/** What every operator command shares: reading its arguments, and bad input as a CliError whose message is the whole answer (exit 2). */
import { isUuid } from '../domain/index.js';

export class CliError extends Error {}

/** The value after `--name`, if given. */
export function flag(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

/** The arguments that are neither a `--flag` nor a flag's value. */
export const positional = (args: readonly string[]) => args.filter((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));

/** An id argument: a UUID, or a CliError with `message`. */
export function uuidArg(value: string | undefined, message: string): string {
  if (!value || !isUuid(value)) throw new CliError(message);
  return value;
}
