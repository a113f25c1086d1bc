// The launcher Terraform starts: a tiny POSIX script in a local plugin directory that runs the
// package's provider entry by a path relative to itself. Relative paths keep its bytes (and so
// the h1: hash in .terraform.lock.hcl) the same on every machine with the same layout.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_NAME, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from "./identity.js";

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

/** The provider entry of this package: the bundle of main.js (dist/provider/main.js, see scripts/bundle-provider.ts). */
export const PROVIDER_ENTRY = path.join(packageRoot(), "dist", "provider", "main.js");

export const LAUNCHER_NAME = `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`;

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return `${os}_${cpu}`;
}

/** `<plugins dir>/<host>/<namespace>/<type>/<version>/<os>_<arch>`. */
export function launcherDirectory(pluginsDir: string, platform = terraformPlatform()): string {
  return path.join(pluginsDir, ...PROVIDER_SOURCE.split("/"), PROVIDER_VERSION, platform);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** The script's text, given the entry's path relative to the launcher's own directory. */
export function launcherScript(relativeEntry: string): string {
  return [
    "#!/bin/sh",
    "# Starts the Operations Center Terraform provider of cdktf-operations-center, found by a path",
    "# relative to this file. Written by cdktf synth or `oc-cdktf provider install`.",
    'dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd) || exit 1',
    `exec node "$dir"/${shellQuote(toPosix(relativeEntry))} "$@"`,
    "",
  ].join("\n");
}

/** Terraform's h1: hash of an unpacked provider directory that holds only the launcher. */
export function launcherHash(script: string): string {
  const fileHash = createHash("sha256").update(script).digest("hex");
  const summary = `${fileHash}  ${LAUNCHER_NAME}\n`;
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

export interface WrittenLauncher {
  readonly file: string;
  readonly hash: string;
}

/** Writes the launcher under `pluginsDir` (terraform.d/plugins or ~/.terraform.d/plugins). */
export function writeLauncher(pluginsDir: string, entry: string = PROVIDER_ENTRY): WrittenLauncher {
  const dir = launcherDirectory(pluginsDir);
  mkdirSync(dir, { recursive: true });
  const script = launcherScript(path.relative(dir, entry));
  const file = path.join(dir, LAUNCHER_NAME);
  if (!existsSync(file) || readFileSync(file, "utf8") !== script) writeFileSync(file, script);
  chmodSync(file, 0o755);
  return { file, hash: launcherHash(script) };
}

const LOCK_HEADER = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';

/**
 * Puts this provider's entry into a stack's .terraform.lock.hcl, keeping other providers' entries,
 * so that `terraform init` and cdktf-cli (which runs `terraform providers lock` when an entry is
 * missing, and that command ignores local plugin directories) both accept the launcher offline.
 */
export function writeLockEntry(stackDir: string, hash: string): void {
  const file = path.join(stackDir, ".terraform.lock.hcl");
  const entry =
    `provider "${PROVIDER_SOURCE}" {\n  version     = "${PROVIDER_VERSION}"\n  constraints = "${PROVIDER_VERSION}"\n` +
    `  hashes = [\n    "${hash}",\n  ]\n}\n`;
  const existing = existsSync(file) ? readFileSync(file, "utf8") : LOCK_HEADER;
  const block = new RegExp(`provider "${PROVIDER_SOURCE.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}" \\{[\\s\\S]*?\\n\\}\\n`);
  const next = block.test(existing) ? existing.replace(block, entry) : `${existing.trimEnd()}\n\n${entry}`;
  if (next !== existing) writeFileSync(file, next);
}
