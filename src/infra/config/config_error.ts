import { AppError } from "@shared/errors.ts";

/** One thing wrong with the configuration: the file, the key path inside it, and why. */
export interface ConfigProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** All problems found in one pass, in one error, so an operator fixes them in one edit. */
export function configError(problems: readonly ConfigProblem[]): AppError {
  const head = problems.length === 1
    ? "invalid configuration"
    : `invalid configuration (${problems.length} problems)`;
  const lines = problems.map((p) => `  ${formatProblem(p)}`).join("\n");
  return new AppError("config.invalid", `${head}:\n${lines}`, { data: { problems: [...problems] } });
}

/** Collects problems across stages; `throwIfAny` raises them together. */
export class ProblemList {
  readonly #items: ConfigProblem[] = [];

  add(file: string, path: string, message: string): void {
    this.#items.push({ file, path, message });
  }

  get items(): readonly ConfigProblem[] {
    return this.#items;
  }

  throwIfAny(): void {
    if (this.#items.length > 0) throw configError(this.#items);
  }
}
