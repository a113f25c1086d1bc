// Keeps an incus CLI configuration directory with one remote per cluster the local OC serves, in
// the layout of incus@be7afc5 shared/cliconfig: config.yml (`default-remote`, `remotes` with
// `addr`, `auth_type`, `project`, `protocol`, `public`; file.go, remote.go), the pinned server
// certificate of each remote in servercerts/<remote>.crt (config.go, ServerCertPath) and the
// client certificate in client.crt / client.key (cert.go). Rewritten whole whenever a cluster
// comes, goes, is renamed or changes certificate; the directory belongs to the local OC.
import { randomUUID } from "node:crypto";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import yaml from "js-yaml";
import type { KeyPair } from "../certificates.js";
import type { IncusEndpoint } from "./listeners.js";

/**
 * Replaces a file whole (a temporary file in `dir`, then a rename): the directory is rewritten
 * while the provider reads it, which must never see a half-written certificate or key.
 */
async function replaceFile(dir: string, file: string, data: string, mode: number): Promise<void> {
  const temp = join(dir, `.${basename(file)}.${randomUUID()}.tmp`);
  await writeFile(temp, data, { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}

export async function writeIncusConfigDir(dir: string, endpoints: readonly IncusEndpoint[], client: KeyPair): Promise<string> {
  const target = resolve(dir);
  const certs = join(target, "servercerts");
  await mkdir(certs, { recursive: true });
  const remotes = Object.fromEntries(
    endpoints.map((e) => [e.cluster, { addr: e.url, auth_type: "tls", project: "default", protocol: "incus", public: false }]),
  );
  // The CLI's own `local` remote (the unix socket) stays the default, as a fresh incus config has it.
  await replaceFile(target, join(target, "config.yml"), yaml.dump({ "default-remote": "local", remotes, aliases: {} }, { lineWidth: -1 }), 0o600);
  const wanted = new Set(endpoints.map((e) => `${e.cluster}.crt`));
  for (const name of await readdir(certs)) if (!wanted.has(name)) await rm(join(certs, name), { force: true });
  for (const e of endpoints) await replaceFile(target, join(certs, `${e.cluster}.crt`), e.certificate, 0o644);
  await replaceFile(target, join(target, "client.crt"), client.certificate, 0o644);
  await replaceFile(target, join(target, "client.key"), client.key, 0o600);
  return target;
}
