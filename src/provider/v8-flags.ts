// V8 settings of the provider process, set by each entry (main.ts, executable-main.ts) before the
// code cache is opened: V8 stamps cached code with its flags (cachedDataVersionTag), so they must be
// the same when a cache is written and when it is read.
import { setFlagsFromString } from "node:v8";

/**
 * Node.js's own modules the provider process uses after start: the plugin protocol (HTTP/2 over
 * TLS), undici (HTTP/1.1, TLS, its timers and performance marks, and node:dns for an Operations
 * Center reached by host name) and Terraform's process checks (child processes). Node.js compiles
 * its modules with code cached in its binary, which V8 rejects once any V8 flag differs from the
 * defaults: each of these compiled after the flags below cost the process 20–30 ms of CPU more (the
 * http2 module alone 15–25 ms), at every one of Terraform's four starts.
 * test/provider-v8-flags.test.ts checks that an apply and a destroy load no other one after (against
 * the local OC, reached by IP address: node:dns is listed for host names).
 */
const USED_BUILTINS = [
  "node:http2",
  "node:tls",
  "node:net",
  "node:dns",
  "node:http",
  "node:child_process",
  "node:cluster",
  "node:assert",
  "node:diagnostics_channel",
  "node:perf_hooks",
  "node:timers/promises",
  "node:stream/promises",
  "node:string_decoder",
  "node:fs/promises",
];

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). undici parses HTTP/1.1 with llhttp, built to
 * WebAssembly; once its parser function is hot, V8 recompiles it with the optimizing compiler on a
 * background thread, about 0.3–0.5 s of CPU and 40 MB in every provider process that talks to
 * Operations Center. An exiting Node.js process waits for V8's background tasks, so that compile
 * held each configured process 100–200 ms after Terraform's Shutdown (and took a core from
 * Terraform meanwhile). The baseline code parses a provider's responses as fast as it needs to.
 * Both flags: with dynamic tiering alone turned off, V8 compiles every function optimized at once.
 */
const BASELINE_WEBASSEMBLY = "--no-wasm-dynamic-tiering --no-wasm-tier-up";

/**
 * Grows V8's young generation by 8 instead of 2 each time it fills. A provider process lives a few
 * hundred milliseconds and allocates most of what it keeps while it loads and answers its first
 * calls; starting from V8's smallest young generation it collected it about twice as often (loading
 * the provider's chunks: 6 collections, 9–12 ms, against 3, 4–5 ms). In six interleaved pairs of
 * blocks of five 10-cluster applies the provider processes' CPU fell in five, by 12–137 ms (medians
 * of the six blocks 1.05 and 1.00 s), for 7–17 MB more peak memory per process at 100 clusters.
 */
const YOUNG_GENERATION_GROWTH = "--semi-space-growth-factor=8";

/**
 * Sets the provider process's V8 flags, once the Node.js modules it uses are loaded (with `load`,
 * the entry's require), while Node.js's cached code for them still fits.
 */
export function setV8Flags(load: (id: string) => unknown): void {
  for (const id of USED_BUILTINS) load(id);
  setFlagsFromString(`${BASELINE_WEBASSEMBLY} ${YOUNG_GENERATION_GROWTH}`);
}
