// `oc-cdktf provider mirror DIR`: what `terraform providers mirror` writes for a registry
// provider, for this one. The packed archives, one per platform, in the layout a
// `filesystem_mirror` reads, plus the JSON indexes a static web server needs to serve the same
// directory as a network mirror (Terraform ignores them in a filesystem mirror), and a SHA256SUMS
// file as a registry release carries, whose sums are the zh: hashes of a lock file.
import { createHash } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROVIDER_TYPE, PROVIDER_VERSION } from "./identity.js";
import { archiveName, LAUNCHER_PLATFORMS, packageHash, providerArchive, writeProviderArchives } from "./launcher.js";

export interface WrittenMirror {
  /** The directory holding the archives and indexes. */
  readonly dir: string;
  readonly platforms: readonly string[];
  /** Every hash a lock file may hold for this version: h1: of the contents, zh: of each archive. */
  readonly hashes: readonly string[];
}

export function writeMirror(mirrorDir: string): WrittenMirror {
  const { path: dir } = writeProviderArchives(mirrorDir, LAUNCHER_PLATFORMS);
  const h1 = packageHash();
  const zh = `zh:${createHash("sha256").update(providerArchive()).digest("hex")}`;
  const archives = Object.fromEntries(LAUNCHER_PLATFORMS.map((platform) => [platform, { url: archiveName(platform), hashes: [h1, zh] }]));
  writeFileSync(path.join(dir, `${PROVIDER_VERSION}.json`), `${JSON.stringify({ archives }, null, 2)}\n`);
  // The index lists every version present, so a mirror keeps serving earlier versions written into it.
  const archive = new RegExp(`^terraform-provider-${PROVIDER_TYPE}_([^_]+)_[a-z0-9]+_[a-z0-9]+\\.zip$`);
  const versions = new Set(readdirSync(dir).flatMap((name) => archive.exec(name)?.[1] ?? []));
  writeFileSync(path.join(dir, "index.json"), `${JSON.stringify({ versions: Object.fromEntries([...versions].sort().map((v) => [v, {}])) }, null, 2)}\n`);
  const sums = LAUNCHER_PLATFORMS.map((platform) => `${zh.slice(3)}  ${archiveName(platform)}\n`).join("");
  writeFileSync(path.join(dir, `terraform-provider-${PROVIDER_TYPE}_${PROVIDER_VERSION}_SHA256SUMS`), sums);
  return { dir, platforms: LAUNCHER_PLATFORMS, hashes: [h1, zh] };
}
