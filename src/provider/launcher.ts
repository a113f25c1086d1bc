// The provider package Terraform installs: a small POSIX launcher script and, beside it, the
// provider's JavaScript bundle, which the launcher runs with `node`. The package holds everything
// it needs, so it keeps working wherever it is copied, linked or cached, and after the project
// that installed it is moved or deleted. Its bytes never depend on where it is written, so the
// h1: hash in .terraform.lock.hcl is the same on every machine with the same package version.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_NAME, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "./identity.js";
import { zip } from "./zip.js";

/**
 * This package's root: the nearest directory above this module whose package.json is ours. Found
 * by name rather than a fixed relative path, because this module runs from tsc's output, from the
 * CommonJS library build and from the CLI bundle, each at another depth.
 */
function packageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${start}`);
  }
}

/** This package's bundle of the provider process (dist/provider/, see scripts/bundle-provider.ts). */
const PROVIDER_BUNDLE = path.join(packageRoot(), "dist", "provider");
export const PROVIDER_ENTRY = path.join(PROVIDER_BUNDLE, "main.cjs");

export const LAUNCHER_NAME = `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`;

/** Where the bundle sits inside the package, beside the launcher. */
const BUNDLE_DIR = "provider";

/**
 * The platforms a launcher package is offered for. Its content is the same on each (a shell
 * script and JavaScript), so one lock-file hash serves them all. Windows is not among them: the
 * launcher is a POSIX shell script; Windows takes the single executable (scripts/executables.ts).
 */
export const LAUNCHER_PLATFORMS = ["darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64"] as const;

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return `${os}_${cpu}`;
}

/** `<plugins dir>/<host>/<namespace>/<type>`: where packed archives sit in a mirror. */
export function providerDirectory(pluginsDir: string): string {
  return path.join(pluginsDir, PROVIDER_HOST, PROVIDER_NAMESPACE, PROVIDER_TYPE);
}

/** `<plugins dir>/<host>/<namespace>/<type>/<version>/<os>_<arch>`: the unpacked layout. */
export function launcherDirectory(pluginsDir: string, platform = terraformPlatform()): string {
  return path.join(providerDirectory(pluginsDir), PROVIDER_VERSION, platform);
}

/** The packed archive's name in a mirror, e.g. terraform-provider-operationscenter_0.1.0_linux_amd64.zip. */
export function archiveName(platform: string): string {
  return `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_${platform}.zip`;
}

/**
 * The launcher. Terraform starts it through symbolic links (.terraform/providers/… to the mirror
 * or to the plugin cache, and the cache to the mirror), so it resolves its own physical directory
 * (`cd -P`, `pwd -P`, following a linked file too) before looking beside itself.
 */
const LAUNCHER_SCRIPT = [
  "#!/bin/sh",
  `# Starts the Operations Center Terraform provider (${PROVIDER_SOURCE} ${PROVIDER_VERSION}) of`,
  "# cdktf-operations-center: runs Node.js on the provider bundle in the provider/ directory beside",
  "# this file, found by its physical path whatever links Terraform reached it through.",
  "# The directory part of a path, as dirname gives it, without starting a process: Terraform starts",
  "# the provider three or four times per command.",
  "parent() {",
  "  case $1 in",
  "    */*) p=${1%/*}; printf '%s\\n' \"${p:-/}\" ;;",
  "    *) printf '%s\\n' . ;;",
  "  esac",
  "}",
  "self=$0",
  "hops=0",
  'while [ -h "$self" ] && [ "$hops" -lt 40 ]; do',
  '  link=$(readlink -- "$self") || exit 1',
  '  case $link in /*) self=$link ;; *) self=$(parent "$self")/$link ;; esac',
  "  hops=$((hops + 1))",
  "done",
  'dir=$(CDPATH= cd -P -- "$(parent "$self")" && pwd -P) || exit 1',
  "if ! command -v node >/dev/null 2>&1; then",
  `  echo "${LAUNCHER_NAME}: node (Node.js 20.18 or later) is not on PATH; install Node.js, or use the provider executable that needs no Node.js" >&2`,
  "  exit 1",
  "fi",
  `exec node "$dir/${BUNDLE_DIR}/main.cjs" "$@"`,
  "",
].join("\n");

export interface PackageFile {
  /** Path inside the package, with "/" separators. */
  readonly name: string;
  readonly data: Buffer;
  readonly mode: number;
}

function bundleFiles(bundle: string, under = ""): PackageFile[] {
  return readdirSync(path.join(bundle, under), { withFileTypes: true }).flatMap((entry) => {
    const relative = under === "" ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) return bundleFiles(bundle, relative);
    // Source maps and esbuild's metafile are for this repository's tests, not for running.
    if (!entry.name.endsWith(".js") && !entry.name.endsWith(".cjs")) return [];
    return [{ name: `${BUNDLE_DIR}/${relative}`, data: readFileSync(path.join(bundle, relative)), mode: 0o644 }];
  });
}

let packaged: PackageFile[] | undefined;

/** The package's files, sorted by name: the launcher and the bundle it runs. */
export function providerPackage(): PackageFile[] {
  if (packaged !== undefined) return packaged;
  if (!existsSync(PROVIDER_ENTRY)) {
    throw new Error(`the provider bundle ${PROVIDER_ENTRY} is missing: run \`npm run build\` in cdktf-operations-center first`);
  }
  packaged = [{ name: LAUNCHER_NAME, data: Buffer.from(LAUNCHER_SCRIPT), mode: 0o755 }, ...bundleFiles(PROVIDER_BUNDLE)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return packaged;
}

/**
 * Terraform's h1: hash of a package: base64 of the SHA-256 of one line per file, sorted by path,
 * `<sha256 hex of the file>  <path>\n` (Go's dirhash Hash1, which Terraform applies to an unpacked
 * package directory and to the contents of a packed archive alike).
 */
export function packageHash(files: readonly PackageFile[] = providerPackage()): string {
  const summary = files.map((f) => `${createHash("sha256").update(f.data).digest("hex")}  ${f.name}\n`).join("");
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

interface WrittenPackage {
  /** The launcher (unpacked) or the directory holding the archives (packed). */
  readonly path: string;
  readonly hash: string;
}

/**
 * Writes the unpacked package under `pluginsDir` (e.g. ~/.terraform.d/plugins) for this platform,
 * replacing whatever an earlier version left there (a leftover file would change the hash).
 */
export function writeProviderPackage(pluginsDir: string, platform = terraformPlatform()): WrittenPackage {
  const dir = launcherDirectory(pluginsDir, platform);
  rmSync(dir, { recursive: true, force: true });
  for (const file of providerPackage()) {
    const target = path.join(dir, ...file.name.split("/"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.data);
    chmodSync(target, file.mode);
  }
  return { path: path.join(dir, LAUNCHER_NAME), hash: packageHash() };
}

let archived: Buffer | undefined;

/** The package as one zip archive, the same bytes on each call and for each platform. */
export function providerArchive(): Buffer {
  archived ??= zip(providerPackage());
  return archived;
}

/**
 * Writes the packed archives under `pluginsDir` (the layout of a filesystem mirror). Terraform
 * extracts a packed archive into .terraform/providers or the plugin cache instead of linking back
 * to it, so a stack directory can be moved or deleted without breaking what was installed from it.
 */
export function writeProviderArchives(pluginsDir: string, platforms: readonly string[] = LAUNCHER_PLATFORMS): WrittenPackage {
  const dir = providerDirectory(pluginsDir);
  mkdirSync(dir, { recursive: true });
  for (const platform of platforms) {
    const file = path.join(dir, archiveName(platform));
    if (!existsSync(file) || !readFileSync(file).equals(providerArchive())) writeFileSync(file, providerArchive());
  }
  return { path: dir, hash: packageHash() };
}

const LOCK_HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

/**
 * Puts this provider's entry into a stack's .terraform.lock.hcl, keeping other providers' entries,
 * so that `terraform init` and cdktf-cli (which runs `terraform providers lock` when an entry is
 * missing, and that command ignores local plugin directories) both accept the package offline.
 */
export function writeLockEntry(stackDir: string, hashes: readonly string[]): void {
  const file = path.join(stackDir, ".terraform.lock.hcl");
  const entry = lockEntry(hashes);
  const existing = existsSync(file) ? readFileSync(file, "utf8") : LOCK_HEADER;
  const block = new RegExp(`provider "${PROVIDER_SOURCE.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" \\{[\\s\\S]*?\\n\\}\\n`);
  const next = block.test(existing) ? existing.replace(block, entry) : `${existing.trimEnd()}\n\n${entry}`;
  if (next !== existing) writeFileSync(file, next);
}

/** This provider's block of a .terraform.lock.hcl, with the given hashes. */
export function lockEntry(hashes: readonly string[]): string {
  return (
    `provider "${PROVIDER_SOURCE}" {\n  version     = "${PROVIDER_VERSION}"\n  constraints = "${PROVIDER_VERSION}"\n` +
    `  hashes = [\n${hashes.map((h) => `    "${h}",\n`).join("")}  ]\n}\n`
  );
}
