// Runs every test of the given test files alone, one after another, each in a process of its own
// started by node's test runner with a name pattern that matches that test only: a test that
// passes in its file but fails alone depends on another test having run first, a defect here
// (test/README.md). Usage, after `npm run build`:
//
//   npm run test:alone -- dist/test/e2e-bulk.test.js dist/test/cli-leftovers.test.js
//   npm run test:alone -- --list dist/test/e2e-*.test.js      # the tests, without running them
//
// Prints one line per test (passed, failed or skipped alone, and its duration), the failures'
// errors and output, and a closing "N passed, N failed" line; exits 1 when any test did not pass
// alone. One test at a time: the e2e tests each run terraform, and a machine has two cores.
import * as path from "node:path";
import { run } from "node:test";

/** A test as its file declares it: the names of its enclosing suites, then its own. */
interface DeclaredTest {
  readonly file: string;
  readonly names: readonly string[];
}

interface Outcome {
  readonly ran: string[][];
  readonly failed: string[][];
  readonly skipped: string[][];
  readonly errors: string[];
  readonly output: string[];
  /** Each test's duration in milliseconds, by its names joined with " > ". */
  readonly durations: Map<string, number>;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * The pattern of one test. Node 20 matches a pattern against each test's own name, later
 * versions against its suites' names and its own joined by spaces: this one matches either.
 */
const patternOf = (test: DeclaredTest): string => {
  const name = escapeRegExp(test.names[test.names.length - 1]!);
  const suites = test.names.slice(0, -1);
  return suites.length === 0 ? `^${name}$` : `^(?:${escapeRegExp(suites.join(" "))} )?${name}$`;
};

const errorText = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : error;
  return (cause.stack ?? cause.message).split("\n").slice(0, 12).join("\n");
};

/**
 * Runs a file with one name pattern and collects what happened to each test. Suites' own events
 * count only as failures (a failing hook), and the file's own test (named by its path) likewise.
 */
const runFile = async (file: string, pattern: string): Promise<Outcome> => {
  const outcome: Outcome = { ran: [], failed: [], skipped: [], errors: [], output: [], durations: new Map() };
  // The suites open at each nesting level while their tests run, to name a test by its path.
  const open: string[] = [];
  for await (const event of run({ files: [file], testNamePatterns: [pattern], concurrency: 1 })) {
    if (event.type === "test:start") {
      open.length = event.data.nesting;
      open.push(event.data.name);
    } else if (event.type === "test:stdout" || event.type === "test:stderr") {
      outcome.output.push(event.data.message);
    } else if (event.type === "test:pass" || event.type === "test:fail") {
      const { data } = event;
      const names = [...open.slice(0, data.nesting), data.name];
      const isFileTest = data.nesting === 0 && path.resolve(data.name) === path.resolve(file);
      if (event.type === "test:fail") {
        outcome.failed.push(names);
        outcome.errors.push(`${names.join(" > ")}:\n${errorText(event.data.details.error)}`);
      }
      if (isFileTest || data.details.type === "suite") continue;
      if (data.skip !== undefined || data.todo !== undefined) {
        if (data.skip !== "test name does not match pattern") outcome.skipped.push(names);
        continue;
      }
      outcome.ran.push(names);
      outcome.durations.set(names.join(" > "), data.details.duration_ms);
    }
  }
  return outcome;
};

/** The tests of a file: run with a pattern no name matches, every test reports itself skipped. */
const listFile = async (file: string): Promise<DeclaredTest[]> => {
  const tests: DeclaredTest[] = [];
  const open: string[] = [];
  const output: string[] = [];
  for await (const event of run({ files: [file], testNamePatterns: ["(?!)"] })) {
    if (event.type === "test:stdout" || event.type === "test:stderr") output.push(event.data.message);
    if (event.type === "test:start") {
      open.length = event.data.nesting;
      open.push(event.data.name);
    } else if (event.type === "test:pass" || event.type === "test:fail") {
      const { data } = event;
      const isFileTest = data.nesting === 0 && path.resolve(data.name) === path.resolve(file);
      if (event.type === "test:fail") {
        throw new Error(`${data.name} failed while listing: ${errorText(data.details.error)}\n${output.join("").split("\n").slice(-20).join("\n")}`);
      }
      if (isFileTest || data.details.type === "suite") continue;
      tests.push({ file, names: [...open.slice(0, data.nesting), data.name] });
    }
  }
  return tests;
};

/** Whether a test is the one run alone or one of the subtests it starts. */
const within = (names: readonly string[], test: readonly string[]): boolean => names.length >= test.length && test.every((name, i) => name === names[i]);

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const listOnly = args.includes("--list");
  const files = args.filter((arg) => arg !== "--list");
  if (files.length === 0) {
    console.error("usage: npm run test:alone -- [--list] dist/test/<file>.test.js...");
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let tests: DeclaredTest[];
    try {
      tests = await listFile(file);
    } catch (error) {
      console.log(`# ${file}: not listed\n${errorText(error).replace(/^/gm, "    ")}`);
      failed++;
      continue;
    }
    console.log(`# ${file}: ${tests.length} tests`);
    for (const test of tests) {
      const title = test.names.join(" > ");
      if (listOnly) {
        console.log(`  ${title}`);
        continue;
      }
      const started = Date.now();
      const outcome = await runFile(file, patternOf(test));
      const wallSeconds = ((Date.now() - started) / 1000).toFixed(1);
      const others = outcome.ran.filter((names) => !within(names, test.names));
      const ranAlone = others.length === 0 && outcome.ran.some((names) => within(names, test.names));
      // A test that skips itself (a missing tool, say) proves nothing alone.
      const skipped = outcome.skipped.some((names) => within(names, test.names));
      const ok = ranAlone && outcome.failed.length === 0 && !skipped;
      let verdict = ok ? "passed" : "FAILED";
      if (skipped) verdict = "SKIPPED";
      else if (!ranAlone && outcome.failed.length === 0) verdict = others.length > 0 ? "NOT ALONE" : "NOT RUN";
      console.log(`  ${verdict.padEnd(9)} ${((outcome.durations.get(title) ?? 0) / 1000).toFixed(1).padStart(6)} s (${wallSeconds} s wall)  ${title}`);
      if (ok) {
        passed++;
        continue;
      }
      failed++;
      // Node 20 matches a test's own name only: two tests of one name in two suites run together.
      for (const names of others) console.log(`    also ran: ${names.join(" > ")}`);
      for (const error of outcome.errors) console.log(error.replace(/^/gm, "    "));
      console.log("    --- its output (last 40 lines):");
      console.log(outcome.output.join("").split("\n").slice(-40).join("\n").replace(/^/gm, "    "));
    }
  }
  if (!listOnly) console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
};

process.exitCode = await main();
