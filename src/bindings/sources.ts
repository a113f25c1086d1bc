// The L1 bindings of this package's own provider, made the way `cdktf get` makes them: Terraform
// prints the provider's schema (`terraform providers schema -json`, the provider started through
// its launcher), and cdktf's own generator (@cdktf/provider-generator; @cdktn/provider-generator
// for the cdktn build) turns it into TypeScript. Two adjustments, both mechanical: relative imports
// name their file (`./cluster/index.js`; the generators write `./cluster` or `./cluster/index`), as this ES module project's compiler requires, and the
// per-resource README.md files and the CommonJS-only lazy-index.ts are left out.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { PROVIDER_LOCAL_NAME, PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";
import { writeProviderPackage } from "../provider/launcher.js";

const run = promisify(execFile);

/** The two CDK libraries a build of the bindings targets; each has its own generator. */
export const cores = ["cdktf", "cdktn"] as const;
type Core = (typeof cores)[number];

/** Where each core's bindings live, relative to the package root. */
export const bindingsDir: Record<Core, string> = { cdktf: "constructs/provider", cdktn: "constructs/cdktn-provider" };

/** `terraform providers schema -json` for this provider alone, in a scratch directory. */
export async function providerSchemaJson(): Promise<unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-schema-"));
  try {
    writeProviderPackage(path.join(dir, "terraform.d", "plugins"));
    writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { [PROVIDER_LOCAL_NAME]: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } } }),
    );
    // An empty CLI configuration: a user's provider_installation block must not send init elsewhere.
    writeFileSync(path.join(dir, "cli.tfrc"), "");
    const env = { ...process.env, TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    await run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env });
    const { stdout } = await run("terraform", ["providers", "schema", "-json"], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface GeneratorModule {
  TerraformProviderGenerator: new (code: unknown, schema: unknown) => { generate(target: unknown): void };
  CodeMaker: new () => { save(dir: string): Promise<void> };
}
interface CommonsModule {
  ConstructsMakerTarget: { from(constraint: unknown, language: string): unknown };
  TerraformProviderConstraint: new (constraint: { name: string; source: string; version: string }) => unknown;
}

/** Files below `dir`, as POSIX paths relative to `base`. */
export function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file, base) : [path.relative(base, file).split(path.sep).join("/")];
  });
}

/** File (relative to the core's bindings directory) -> content, as that core's generator makes it. */
export async function providerBindings(core: Core, schema?: unknown): Promise<Map<string, string>> {
  const generator = (await import(`@${core}/provider-generator`)) as { default: GeneratorModule };
  const commons = (await import(`@${core}/commons`)) as { default: CommonsModule };
  const { TerraformProviderGenerator, CodeMaker } = generator.default;
  const { ConstructsMakerTarget, TerraformProviderConstraint } = commons.default;
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema ?? (await providerSchemaJson())).generate(
    ConstructsMakerTarget.from(
      new TerraformProviderConstraint({ name: PROVIDER_LOCAL_NAME, source: PROVIDER_SOURCE, version: PROVIDER_VERSION }),
      "typescript",
    ),
  );
  const out = mkdtempSync(path.join(tmpdir(), `oc-cdktf-bindings-${core}-`));
  try {
    await code.save(out);
    const root = path.join(out, "providers", PROVIDER_LOCAL_NAME);
    const files = new Map<string, string>();
    for (const file of filesUnder(root).sort()) {
      if (!file.endsWith(".ts") || file === "lazy-index.ts") continue;
      const text = readFileSync(path.join(root, file), "utf8").replace(/from '(\.{1,2}\/[^']+?)(\/index)?'/g, "from '$1/index.js'");
      files.set(file, text);
    }
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
