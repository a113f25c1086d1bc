// Problems found in configuration files, and the wording helpers every schema shares, so that each
// message reads the same way: where, which field, what is wrong and what would be valid.

/** One thing wrong with a configuration file or inline object. */
export interface ConfigProblem {
  /** File name, or a label such as `Cluster 'stack/a' servicesConfig` for an inline object. */
  file?: string;
  /** 1-based line and column of the offending key or value, when the source text is known. */
  line?: number;
  column?: number;
  /** Field path such as `nvme.targets[0].port`; "" for the document as a whole. */
  path: string;
  message: string;
}

/** A value, or every problem found instead of it. */
export type CheckResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** `file:line:column: path: message`, leaving out the parts that are unknown. */
export function formatProblem(problem: ConfigProblem): string {
  const where: string[] = [];
  if (problem.file !== undefined) where.push(problem.file);
  if (problem.line !== undefined) {
    where.push(String(problem.line));
    if (problem.column !== undefined) where.push(String(problem.column));
  }
  const parts: string[] = [];
  if (where.length > 0) parts.push(where.join(":"));
  if (problem.path !== "") parts.push(problem.path);
  parts.push(problem.message);
  return parts.join(": ");
}

/** Thrown with every problem at once, so a user fixes a file in one round. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Sorts problems by file, then line and column; problems without a position keep their order after those with one. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const fa = a.problem.file ?? "";
      const fb = b.problem.file ?? "";
      if (fa !== fb) return fa < fb ? -1 : 1;
      const la = a.problem.line ?? Number.MAX_SAFE_INTEGER;
      const lb = b.problem.line ?? Number.MAX_SAFE_INTEGER;
      if (la !== lb) return la - lb;
      const ca = a.problem.column ?? 0;
      const cb = b.problem.column ?? 0;
      if (ca !== cb) return ca - cb;
      return a.index - b.index;
    })
    .map((entry) => entry.problem);
}

/** `nvme.targets[0].port`; keys that are not plain words are quoted: `config["user.ui.title"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

const maxShown = 60;

/** How a value the user wrote is named in "got ..." (YAML vocabulary: mapping, list). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string") {
    const shown = value.length > maxShown ? `${value.slice(0, maxShown)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

/** "missing; expected X" for an absent value, else "expected X, got Y". */
export function expectedMessage(what: string, input: unknown): string {
  return input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${describeValue(input)}`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The closest candidate when it is close enough to be a plausible typo. */
function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(input.length, 3) / 3));
  if (bestDistance <= allowed) return best;
  // A truncated name ("tcp_congestion" for "tcp_congestion_algorithm") is a typo too.
  return input.length >= 4 ? candidates.find((c) => c.toLowerCase().startsWith(input.toLowerCase())) : undefined;
}

/** `; did you mean "lvm"?` or "". */
export function didYouMean(input: unknown, candidates: readonly string[]): string {
  if (typeof input !== "string") return "";
  const match = closestMatch(input, candidates);
  return match === undefined ? "" : `; did you mean ${JSON.stringify(match)}?`;
}

/** `"tcp", "fc"` */
export function quotedList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}
