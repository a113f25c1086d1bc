// Bounds on what a user hands us, so that hostile or mistaken input fails fast with the file or
// field named instead of hanging synth, plan or apply or ending in a stack overflow:
//   - files given as props or attributes are read only when they are regular files, up to a size;
//   - YAML documents nest at most MAX_NESTING deep and their aliases add at most
//     MAX_ALIAS_EXPANSION values (a "billion laughs" document is a few hundred bytes that
//     expand to billions of values in whatever walks it next);
//   - JSON values and placement scriptlets nest at most MAX_NESTING deep.
// Every caller that reads a user's file or parses a user's YAML goes through here.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { YAMLException, load, type LoadOptions } from "js-yaml";

/** The deepest nesting of lists and mappings (YAML, JSON) or brackets (scriptlets) that is read. */
export const MAX_NESTING = 100;

/** What is wrong with a value nested too deep, to follow the name of the field or file. */
export const TOO_DEEP = `nests lists and objects more than ${MAX_NESTING} deep; flatten it`;

/** How many values YAML aliases may add to a document beyond those written out in it. */
const MAX_ALIAS_EXPANSION = 100_000;

/** What is wrong with a value whose reused parts expand it too far, to follow its name. */
const EXPANDS = `expands by more than ${MAX_ALIAS_EXPANSION} values through aliases (or objects reused in it); write the values out or reuse fewer anchors`;

/** Size limits of the files a user names, by what they hold. */
export const MAX_FILE_BYTES = {
  /** Services, application and CLI configs, templates, values and variables files, seeds, scriptlets. */
  config: 4 * 1024 * 1024,
  /** A PEM certificate or key (a chain of a few certificates is a few KiB). */
  pem: 256 * 1024,
} as const;

const MIB = 1024 * 1024;
const size = (bytes: number): string => (bytes >= MIB ? `${(bytes / MIB).toFixed(bytes % MIB === 0 ? 0 : 1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

type FileRead = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };

/**
 * Reads a user's file as UTF-8 when it is a regular file of at most `maxBytes`. A FIFO or device
 * is refused before it is opened (opening a FIFO blocks until a writer comes, reading /dev/zero
 * never ends); the open is non-blocking and re-checked in case the path changed in between.
 * `reason` says what is wrong in words that follow the path ("is a named pipe (FIFO) ...").
 */
export function readRegularFile(file: string, maxBytes: number): FileRead {
  const refuse = (reason: string, missing = false): FileRead => ({ ok: false, missing, reason });
  const tooLarge = `is larger than ${size(maxBytes)}, the most that is read for it; give a smaller file`;
  let fd: number | undefined;
  try {
    const before = statSync(file);
    if (!before.isFile()) return refuse(`is ${fileKind(before)}, not a regular file; give the path of a regular file`);
    if (before.size > maxBytes) return refuse(tooLarge);
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refuse(`is ${fileKind(stats)}, not a regular file; give the path of a regular file`);
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return refuse(tooLarge);
      if (length === buffer.length) break;
    }
    return { ok: true, text: buffer.subarray(0, length).toString("utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return refuse("does not exist", true);
    if (code === "EACCES" || code === "EPERM") return refuse("is not readable (permission denied)");
    if (code === "EISDIR") return refuse("is a directory, not a regular file; give the path of a regular file");
    return refuse(`cannot be read (${code ?? (error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readRegularFile that throws `Error("<what> <path> <reason>")`; `what` names the prop or attribute. */
export function readUserFile(file: string, what: string, maxBytes: number = MAX_FILE_BYTES.config): string {
  const read = readRegularFile(file, maxBytes);
  if (!read.ok) throw new Error(`${what}: ${JSON.stringify(file)} ${read.reason}.`);
  return read.text;
}

type Node = object;

/**
 * Counts what aliases add to a loaded document: a value reached a second time (an alias to it)
 * adds its whole expansion again. Memoized by identity, so this is linear in the written values.
 */
function aliasExpansion(root: unknown, budget: number): boolean {
  const expanded = new Map<Node, number>();
  let extra = 0;
  const sizeOf = (value: unknown): number => {
    if (typeof value !== "object" || value === null) return 1;
    const known = expanded.get(value);
    if (known !== undefined) {
      extra += known;
      return known;
    }
    let total = 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      total += sizeOf(child);
      if (extra > budget) return total;
    }
    expanded.set(value, total);
    return total;
  };
  sizeOf(root);
  return extra <= budget;
}

/** A YAML document over a limit: a YAMLException, so callers that report syntax errors with the file named report this too. */
export class YamlLimitError extends YAMLException {}

/** Loads a YAML (or JSON) document with the nesting and alias limits. */
export function loadYaml(text: string, options: LoadOptions = {}): unknown {
  // js-yaml 4.3 reads maxDepth; @types/js-yaml does not declare it yet.
  const limited: LoadOptions & { maxDepth: number } = { ...options, maxDepth: MAX_NESTING };
  let document: unknown;
  try {
    document = load(text, limited);
  } catch (error) {
    if (error instanceof YAMLException && error.reason.startsWith("nesting exceeded maxDepth")) {
      throw new YamlLimitError(`it ${TOO_DEEP}`, error.mark);
    }
    throw error;
  }
  const problem = shapeProblem(document);
  if (problem !== undefined) throw new YamlLimitError(`it ${problem}`);
  return document;
}

/**
 * What is wrong with the shape of a loaded or given value, phrased to follow its name: nested
 * too deep, or parts reused (YAML aliases, an object referenced many times) so often that
 * walking it would take too long; undefined when neither.
 */
export function shapeProblem(value: unknown): string | undefined {
  let withinBudget: boolean;
  try {
    withinBudget = aliasExpansion(value, MAX_ALIAS_EXPANSION);
  } catch (error) {
    // Reused parts met before their first use (numeric keys are enumerated first), or a cycle.
    if (error instanceof RangeError) return TOO_DEEP;
    throw error;
  }
  if (!withinBudget) return EXPANDS;
  // Reused parts can also nest values deeper than the text does.
  return tooDeep(value) ? TOO_DEEP : undefined;
}

/** True when lists and objects in a value nest deeper than MAX_NESTING. Iterative, so a value nested 100 000 deep is measured without a stack overflow. */
export function tooDeep(root: unknown): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_NESTING) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Why a user's file would be refused by readRegularFile, from its metadata only (nothing is
 * opened, so a plan-time check never blocks on a FIFO), or undefined when it looks readable.
 */
export function userFileProblem(file: string, maxBytes: number): { missing: boolean; reason: string } | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === "ENOENT" || code === "ENOTDIR";
    return { missing, reason: missing ? "does not exist" : `cannot be read (${code ?? (error as Error).message})` };
  }
  if (!stats.isFile()) return { missing: false, reason: `is ${fileKind(stats)}, not a regular file; give the path of a regular file` };
  if (stats.size > maxBytes) return { missing: false, reason: `is larger than ${size(maxBytes)}, the most that is read for it; give a smaller file` };
  return undefined;
}
