// `oc-cdktf provider install [--plugins-dir DIR]`: puts the provider's launcher where Terraform
// looks for providers without a registry (~/.terraform.d/plugins), for plain HCL users.
// `oc-cdktf provider serve` runs the provider itself (what Terraform starts through the launcher).
import { homedir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";
import { PROVIDER_ENTRY, writeLauncher } from "../provider/launcher.js";

const USAGE = `usage: oc-cdktf provider install [--plugins-dir DIR]
       oc-cdktf provider serve

install   writes the launcher under DIR (default ~/.terraform.d/plugins), so that a configuration with
            required_providers { operationscenter = { source = "${PROVIDER_SOURCE}", version = "${PROVIDER_VERSION}" } }
          finds this provider on \`terraform init\` with no registry and no CLI configuration
serve     runs the provider (Terraform starts it; it refuses to run by hand)
`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const help = rest.includes("--help") || rest.includes("-h");
  if (sub === "serve" && !help) {
    await import(pathToFileURL(PROVIDER_ENTRY).href);
    return 0;
  }
  if (sub === "--help" || sub === "-h" || ((sub === "install" || sub === "serve") && help)) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub !== "install") {
    process.stderr.write(sub === undefined ? USAGE : `oc-cdktf provider: unknown sub-command "${sub}"\n\n${USAGE}`);
    return 2;
  }
  let pluginsDir = path.join(process.env.HOME ?? homedir(), ".terraform.d", "plugins");
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--plugins-dir" && rest[i + 1] !== undefined) pluginsDir = path.resolve(rest[++i]!);
    else {
      process.stderr.write(`oc-cdktf provider install: unexpected argument "${arg}"\n\n${USAGE}`);
      return 2;
    }
  }
  const written = writeLauncher(pluginsDir);
  process.stdout.write(
    `installed ${PROVIDER_SOURCE} ${PROVIDER_VERSION}: ${written.file}\n` +
      `use it with: required_providers { operationscenter = { source = "${PROVIDER_SOURCE}", version = "${PROVIDER_VERSION}" } }\n`,
  );
  return 0;
}
