// `oc-cdktf provider install [--plugins-dir DIR]`: puts a self-contained copy of the provider
// where Terraform looks for providers without a registry (~/.terraform.d/plugins), for plain HCL
// users. `oc-cdktf provider mirror DIR` writes a packed mirror (filesystem or static network
// mirror). `oc-cdktf provider serve` runs the provider itself.
import { homedir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";
import { lockEntry, PROVIDER_ENTRY, writeProviderPackage } from "../provider/launcher.js";
import { writeMirror } from "../provider/mirror.js";
import { type Command, failure, showHelp, usageError } from "./command.js";

const REQUIREMENT = `required_providers { operationscenter = { source = "${PROVIDER_SOURCE}", version = "${PROVIDER_VERSION}" } }`;

const USAGE = `usage: oc-cdktf provider install [--plugins-dir DIR]
       oc-cdktf provider mirror DIR
       oc-cdktf provider serve

install   copies the provider (a launcher and the JavaScript it runs with node) under DIR
          (default ~/.terraform.d/plugins), so that a configuration with
            ${REQUIREMENT}
          finds it on \`terraform init\` with no registry and no CLI configuration
mirror    writes the provider packed for linux and darwin (amd64, arm64) into DIR, with the
          index files of a network mirror and SHA256SUMS, as \`terraform providers mirror\` does;
          use DIR in a provider_installation { filesystem_mirror { path = "DIR" } } block
serve     runs the provider (Terraform starts it; it refuses to run by hand)
`;

const command: Command = { name: "provider", usage: USAGE, usageExit: 2 };

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const help = rest.includes("--help") || rest.includes("-h");
  if (sub === "serve" && !help) {
    await import(pathToFileURL(PROVIDER_ENTRY).href);
    return 0;
  }
  if (sub === "--help" || sub === "-h" || ((sub === "install" || sub === "serve") && help)) return showHelp(command);
  if (sub === "mirror") {
    if (rest.length !== 1 || rest[0]!.startsWith("-")) return usageError(command, "mirror takes one argument, the mirror directory");
    const dir = path.resolve(rest[0]!);
    const mirror = writeMirror(dir);
    process.stdout.write(
      `wrote ${PROVIDER_SOURCE} ${PROVIDER_VERSION} for ${mirror.platforms.join(", ")} into ${mirror.dir}\n` +
        `use it with this CLI configuration (a file named by TF_CLI_CONFIG_FILE, or ~/.terraformrc):\n` +
        `  provider_installation {\n    filesystem_mirror {\n      path    = ${JSON.stringify(dir)}\n      include = ["${PROVIDER_SOURCE}"]\n    }\n    direct {\n      exclude = ["${PROVIDER_SOURCE}"]\n    }\n  }\n` +
        `a lock-file entry that accepts every platform's archive (.terraform.lock.hcl):\n${lockEntry(mirror.hashes)}`,
    );
    return 0;
  }
  if (sub !== "install") return sub === undefined ? usageError(command, "a sub-command is needed") : usageError(command, `unknown sub-command "${sub}"`);
  if (process.platform === "win32") {
    return failure(
      { ...command, name: "provider install" },
      "the launcher is a POSIX shell script; on Windows use the provider executable (npm run build:executables, windows_amd64) or WSL",
      1,
    );
  }
  let pluginsDir = path.join(process.env.HOME ?? homedir(), ".terraform.d", "plugins");
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--plugins-dir" && rest[i + 1] !== undefined) pluginsDir = path.resolve(rest[++i]!);
    else return usageError(command, `install: unexpected argument "${arg}"`);
  }
  const written = writeProviderPackage(pluginsDir);
  process.stdout.write(`installed ${PROVIDER_SOURCE} ${PROVIDER_VERSION}: ${written.path}\nuse it with: ${REQUIREMENT}\n`);
  return 0;
}
