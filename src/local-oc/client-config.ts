// Writes an operations-center CLI configuration directory (reference: oc-api.md 2.3) for the
// local Operations Center: config.yml whose default remote `local-oc` (the CLI reserves `local`)
// uses TLS client authentication and pins the server certificate, plus client.crt and client.key.
// Both this project's client and the official `operations-center` CLI read it
// (OPERATIONS_CENTER_CONF=DIR).

import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import yaml from "js-yaml";
import type { KeyPair } from "./certificates.js";

export const LOCAL_REMOTE = "local-oc";

export async function writeClientConfigDir(
  dir: string,
  options: { url: string; serverCertificate: string; client: KeyPair },
): Promise<string> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const config = {
    default_remote: LOCAL_REMOTE,
    remotes: {
      [LOCAL_REMOTE]: {
        addr: options.url,
        auth_type: "tls",
        server_cert: options.serverCertificate,
      },
    },
  };
  await writeFile(join(target, "config.yml"), yaml.dump(config, { lineWidth: -1 }), { mode: 0o600 });
  await writeFile(join(target, "client.crt"), options.client.certificate, { mode: 0o644 });
  await writeFile(join(target, "client.key"), options.client.key, { mode: 0o600 });
  // writeFile's mode applies only to new files.
  await chmod(join(target, "client.key"), 0o600);
  return target;
}
