import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { provider as nullProvider } from "@cdktf/provider-null";
import { App, LocalBackend, Lazy, TerraformStack } from "cdktf";
// Not re-exported from the package root in cdktf 0.21; the only way to write files beside a stack.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer.js";
import { Construct, type IConstruct } from "constructs";
import { HOOK_ENV } from "../src/hooks/run.js";
import type { HookSpec } from "../src/hooks/spec.js";
import { HookResource } from "./hook-resource.js";

/** The Terraform resource type that carries the hooks. */
export type HookResourceType = "terraform_data" | "null_resource";

export interface OperationsCenterProps {
  /**
   * Name of the operations-center CLI remote to use (a key of `remotes` in its config.yml).
   * At apply time `OPERATIONS_CENTER_REMOTE` / `OPERATIONS_CENTER_URL` still override it.
   * @default the config's `default_remote`
   */
  readonly remote?: string;
  /**
   * The operations-center CLI configuration directory (config.yml, client.crt, client.key),
   * relative to the directory cdktf runs in, or absolute. `OPERATIONS_CENTER_CONF` overrides it at
   * apply time. Credentials are read only at apply time and never synthesized.
   * @default `$OPERATIONS_CENTER_CONF`, else `~/.config/operations-center`
   */
  readonly configDir?: string;
  /**
   * Marks the clusters this stack manages (property `oc-cdktf.io/owner`). Hooks never change or
   * delete a cluster with another owner, and the inventory applies the deletion policy to this
   * owner's clusters that the code no longer declares. Keep it unique per stack and stable.
   * @default `cdktf:<stack name>`
   */
  readonly ownerId?: string;
  /**
   * `terraform_data` is built into Terraform (>= 1.4) and needs no provider download;
   * `null_resource` needs the hashicorp/null provider. The hooks are the same.
   * @default "terraform_data"
   */
  readonly resourceType?: HookResourceType;
}

const SPEC_DIR = "oc-cdktf";
const CLI_ENTRY = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The connection to Operations Center for one stack. Create it once per stack, before any
 * cluster or template; `OperationsCenter.of(scope)` finds it (and creates a default one when the
 * stack has none).
 */
export class OperationsCenter extends Construct {
  /** Returns the stack's OperationsCenter, creating one with defaults if there is none yet. */
  static of(scope: IConstruct): OperationsCenter {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.children.find((c): c is OperationsCenter => c instanceof OperationsCenter);
    return existing ?? new OperationsCenter(stack, "oc");
  }

  readonly ownerId: string;
  readonly resourceType: HookResourceType;
  private readonly stack: TerraformStack;
  private readonly specs = new Map<string, HookSpec>();
  private readonly resourceNames = new Map<string, string>();
  private readonly clusterNames = new Map<string, string>();
  private readonly environment: Record<string, string> = {};
  private readonly cliPath: string;
  private readonly inventory: HookResource;

  constructor(scope: Construct, id: string, props: OperationsCenterProps = {}) {
    super(scope, id);
    this.stack = TerraformStack.of(this);
    const others = this.stack.node.findAll().filter((c) => c instanceof OperationsCenter && c !== this);
    if (others.length > 0) {
      throw new Error(
        `OperationsCenter '${this.node.path}': stack '${this.stack.node.path}' already has one at '${others[0]!.node.path}'. ` +
          `Create a single OperationsCenter per stack, before any Cluster or ClusterTemplate.`,
      );
    }
    const resourceType = props.resourceType ?? "terraform_data";
    if (resourceType !== "terraform_data" && resourceType !== "null_resource") {
      throw new Error(`OperationsCenter '${this.node.path}': resourceType must be "terraform_data" or "null_resource", got "${String(resourceType)}".`);
    }
    this.resourceType = resourceType;
    this.ownerId = props.ownerId ?? `cdktf:${this.stack.node.id}`;
    if (this.ownerId.trim() === "") throw new Error(`OperationsCenter '${this.node.path}': ownerId must not be empty.`);

    const stackDir = path.resolve(App.of(this).outdir, "stacks", this.stack.node.id);
    this.cliPath = toPosix(path.relative(stackDir, CLI_ENTRY));
    if (props.remote !== undefined) this.environment[HOOK_ENV.remote] = props.remote;
    if (props.configDir !== undefined) {
      this.environment[HOOK_ENV.configDir] = path.isAbsolute(props.configDir)
        ? props.configDir
        : toPosix(path.relative(stackDir, path.resolve(props.configDir)));
    }
    this.environment[HOOK_ENV.owner] = this.ownerId;

    if (resourceType === "null_resource") this.addNullProvider();

    this.inventory = new HookResource(this, "inventory", {
      resourceName: "oc_inventory",
      triggers: {
        owner: this.ownerId,
        // null_resource triggers are strings, so the list goes in as JSON there.
        clusters:
          resourceType === "null_resource"
            ? Lazy.stringValue({ produce: () => JSON.stringify(this.declaredClusters()) })
            : Lazy.listValue({ produce: () => this.declaredClusters() }),
      },
      spec: { kind: "inventory", construct_path: this.node.path, owner: this.ownerId, clusters: [] },
    });

    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = path.join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
        this.writeSpecs(path.join(dir, SPEC_DIR));
        this.relativizeLocalBackend(dir);
      },
    });
  }

  /** Records a cluster name for the inventory; names must be unique per stack. */
  registerCluster(name: string, constructPath: string): void {
    const other = this.clusterNames.get(name);
    if (other !== undefined) {
      throw new Error(`Cluster '${constructPath}': cluster name "${name}" is already declared by '${other}'.`);
    }
    this.clusterNames.set(name, constructPath);
  }

  /** The inventory resource runs after every cluster exists. */
  addInventoryDependency(dependable: HookResource): void {
    this.inventory.resource.dependsOn = [...(this.inventory.resource.dependsOn ?? []), dependable.address];
  }

  /** Terraform address of a hook resource of this stack, e.g. `terraform_data.a_cluster`. */
  resourceAddress(resourceName: string): string {
    return `${this.resourceType}.${resourceName}`;
  }

  /** Claims a Terraform resource name; names are readable, so they must be unique per stack. */
  registerResourceName(resourceName: string, constructPath: string): void {
    if (!TERRAFORM_NAME.test(resourceName)) {
      throw new Error(`'${constructPath}': "${resourceName}" is not a valid Terraform resource name; use a construct id of letters, digits, _ and -.`);
    }
    const other = this.resourceNames.get(resourceName);
    if (other !== undefined) {
      throw new Error(
        `'${constructPath}': resource name "${resourceName}" is already used by '${other}'. Give the constructs distinct ids.`,
      );
    }
    this.resourceNames.set(resourceName, constructPath);
  }

  /** Registers a hook spec; returns the spec file path relative to the stack directory. */
  registerSpec(resourceName: string, spec: HookSpec): string {
    this.specs.set(resourceName, spec);
    return `${SPEC_DIR}/${resourceName}.json`;
  }

  /** The provisioner command: the package's CLI, by a path relative to the stack directory. */
  hookCommand(kind: string, specFile?: string): string {
    return ["node", JSON.stringify(this.cliPath), "hook", kind, ...(specFile === undefined ? [] : [specFile])].join(" ");
  }

  /** Non-secret connection selection for the hooks; credentials are read at apply time. */
  hookEnvironment(): Record<string, string> {
    return { ...this.environment };
  }

  private declaredClusters(): string[] {
    return [...this.clusterNames.keys()].sort();
  }

  private writeSpecs(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, spec] of this.specs) {
      const content = spec.kind === "inventory" ? { ...spec, clusters: this.declaredClusters() } : spec;
      const file = path.join(dir, `${name}.json`);
      // Specs may hold secrets (service keys, preseed certificates): readable by the owner only.
      writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }

  /** cdktf's default local backend holds an absolute path; keep the same file, relative. */
  private relativizeLocalBackend(stackDir: string): void {
    for (const backend of this.stack.node.findAll().filter((c): c is LocalBackend => c instanceof LocalBackend)) {
      const local = (backend.toTerraform() as { terraform?: { backend?: { local?: { path?: string } } } }).terraform?.backend?.local;
      if (local?.path !== undefined && path.isAbsolute(local.path)) {
        backend.addOverride("path", toPosix(path.relative(stackDir, local.path)));
      }
    }
  }

  private addNullProvider(): void {
    const hasProvider = this.stack.node.findAll().some((c) => c instanceof nullProvider.NullProvider);
    if (!hasProvider) new nullProvider.NullProvider(this.stack, "null");
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
