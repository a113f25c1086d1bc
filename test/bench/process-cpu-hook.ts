// Loaded into each Node.js process terraform starts in the bench's CPU accounting runs (cpu.ts,
// NODE_OPTIONS=--import): appends the process's CPU time in ms, as a line, to the file named by
// the environment variable below, as the process exits.
import { appendFileSync } from "node:fs";

export const PROCESS_CPU_FILE = "OC_BENCH_PROCESS_CPU_FILE";

const file = process.env[PROCESS_CPU_FILE];
if (file !== undefined) {
  process.on("exit", () => {
    const used = process.cpuUsage();
    appendFileSync(file, `${(used.user + used.system) / 1000}\n`);
  });
}
