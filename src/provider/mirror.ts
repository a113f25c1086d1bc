// A packed provider mirror, as `terraform providers mirror` writes one for a registry provider:
// one zip archive per platform in the layout a `filesystem_mirror` reads, plus the JSON indexes
// a static web server needs to serve the same directory as a network mirror (Terraform ignores
// them in a filesystem mirror), and a SHA256SUMS file as a registry release carries, whose sums
// are the zh: hashes of a lock file. Used by `oc-cdktf provider mirror` (the launcher package)
// and scripts/build-executables.ts (the single executables).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROVIDER_TYPE, PROVIDER_VERSION } from "./identity.js";
import { archiveName, LAUNCHER_PLATFORMS, packageHash, providerDirectory, providerPackage, type PackageFile } from "./launcher.js";
import { zip } from "./zip.js";

/** The files of the package for one platform. */
export interface PlatformPackage {
  readonly platform: string;
  readonly files: readonly PackageFile[];
}

interface WrittenMirror {
  /** The directory holding the archives and indexes. */
  readonly dir: string;
  readonly platforms: readonly string[];
  /** Every hash a lock file may hold for this version: h1: of each package's contents, zh: of each archive. */
  readonly hashes: readonly string[];
}

/** The launcher package (Node.js on PATH) for each POSIX platform. */
function launcherPackages(): PlatformPackage[] {
  return LAUNCHER_PLATFORMS.map((platform) => ({ platform, files: providerPackage() }));
}

export function writeMirror(mirrorDir: string, packages: readonly PlatformPackage[] = launcherPackages()): WrittenMirror {
  const dir = providerDirectory(mirrorDir);
  mkdirSync(dir, { recursive: true });
  const archives: Record<string, { url: string; hashes: string[] }> = {};
  let sums = "";
  for (const { platform, files } of packages) {
    const bytes = zip(files);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(path.join(dir, archiveName(platform)), bytes);
    archives[platform] = { url: archiveName(platform), hashes: [packageHash(files), `zh:${sha256}`] };
    sums += `${sha256}  ${archiveName(platform)}\n`;
  }
  writeFileSync(path.join(dir, `${PROVIDER_VERSION}.json`), `${JSON.stringify({ archives }, null, 2)}\n`);
  writeFileSync(path.join(dir, `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_SHA256SUMS`), sums);
  // The index lists every version present, so a mirror keeps serving earlier versions written into it.
  const archive = new RegExp(`^terraform-provider-${PROVIDER_TYPE}_([^_]+)_[a-z0-9]+_[a-z0-9]+\\.zip$`);
  const versions = new Set(readdirSync(dir).flatMap((name) => archive.exec(name)?.[1] ?? []));
  writeFileSync(path.join(dir, "index.json"), `${JSON.stringify({ versions: Object.fromEntries([...versions].sort().map((v) => [v, {}])) }, null, 2)}\n`);
  const hashes = [...new Set(Object.values(archives).flatMap((a) => a.hashes))].sort();
  return { dir, platforms: packages.map((p) => p.platform), hashes };
}
