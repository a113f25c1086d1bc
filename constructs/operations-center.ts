import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { App, TerraformBackend, TerraformStack } from "cdktf";
// Not re-exported from the package root in cdktf 0.21; the only way to write files beside a stack.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer.js";
import { Construct, type IConstruct } from "constructs";
import { evacuationTimeoutProblem } from "../src/config/cluster.js";
import { attributeName } from "../src/config/configuration-language.js";
import { maxParallelReadsProblem } from "../src/config/parallel-reads.js";
import { writeLockEntry, writeProviderArchives } from "../src/provider/launcher.js";
import { literal } from "./names.js";
import { retrySettingProblems } from "../src/config/retry-settings.js";
import { OperationscenterProvider } from "./provider/provider/index.js";
import { failOn, synthError } from "./synth-errors.js";

export interface OperationsCenterProps {
  /**
   * Name of the operations-center CLI remote to use (a key of `remotes` in its config.yml).
   * `OPERATIONS_CENTER_REMOTE` / `OPERATIONS_CENTER_URL` in the environment of `terraform` still
   * override it. @default the config's `default_remote`
   */
  readonly remote?: string;
  /**
   * The operations-center CLI configuration directory (config.yml, client.crt, client.key),
   * relative to the directory cdktf runs in, or absolute; synthesized relative to the stack
   * directory. `OPERATIONS_CENTER_CONF` overrides it. Credentials are read by the provider when
   * Terraform runs and never synthesized. @default `$OPERATIONS_CENTER_CONF`, else
   * `~/.config/operations-center`
   */
  readonly configDir?: string;
  /**
   * Address of Operations Center, e.g. `https://oc.example.net:7443`, instead of the remote's.
   * `OPERATIONS_CENTER_URL` overrides it. @default the remote's `addr`
   */
  readonly url?: string;
  /**
   * How long, in seconds, a member being removed from a cluster may take to evacuate before the
   * apply gives up (Incus first migrates the instances that can migrate and stops the others). @default 1800
   */
  readonly evacuationTimeout?: number;
  /**
   * How many members one resource reads at once, a whole number from 1 to 64. Against
   * Operations Center every member read is proxied to its IncusOS server, so a cluster's members
   * are read side by side; Terraform runs up to `-parallelism` resources at once (default 10),
   * and the provider allows 10 times this many requests in flight. A read another resource already
   * made in the same Terraform command is shared, not sent again. @default 4
   */
  readonly maxParallelReads?: number;

  /**
   * How hard each request to Operations Center is retried (the provider block's `retry`). Only
   * what is safe to repeat is retried; a change whose reply was lost is read back and sent again
   * only when it did not take effect. @default 15 attempts, waits up to 5 s each and 60 s in all
   */
  readonly retry?: OperationsCenterRetry;
}

/** The provider block's `retry` settings; each is checked at synth. */
export interface OperationsCenterRetry {
  /** Attempts of one request, the first included (1 turns retries off), 1 to 100. @default 15 */
  readonly maxAttempts?: number;
  /** Seconds, the longest wait between two attempts, above 0 and at most 300. @default 5 */
  readonly maxBackoff?: number;
  /**
   * Seconds, the most one request spends waiting between its attempts (waiting for a restarting
   * Operations Center included), 0 to 3600. @default 60
   */
  readonly totalBackoff?: number;
}

const REMOVED_PROPS: Record<string, string> = {
  ownerId: "the provider keeps which clusters a stack manages in Terraform state, so there is no owner to set; remove ownerId",
  resourceType: "clusters and templates are now resources of this package's own Terraform provider, not terraform_data or null_resource; remove resourceType",
};

const SECRETS_DIR = "secrets";

// One per stack, found without scanning the stack's children for every construct that asks.
const byStack = new WeakMap<TerraformStack, OperationsCenter>();

/**
 * The connection to Operations Center for one stack: the `operationscenter` provider block.
 * Create it once per stack, before any cluster or template; `OperationsCenter.of(scope)` finds it
 * (and creates a default one when the stack has none). At synth it writes the provider package,
 * packed for Linux and macOS, into the stack directory (`terraform.d/plugins/...`) with its
 * `.terraform.lock.hcl` entry, so `terraform init` there works offline (also after the stack
 * directory is moved, e.g. as a CI artefact), and the secret inputs of clusters into `secrets/` (0600).
 */
export class OperationsCenter extends Construct {
  /** Returns the stack's OperationsCenter, creating one with defaults if there is none yet. */
  static of(scope: IConstruct): OperationsCenter {
    const stack = TerraformStack.of(scope);
    return byStack.get(stack) ?? new OperationsCenter(stack, "oc");
  }

  /** The L1 provider block. */
  readonly provider: OperationscenterProvider;
  private readonly stack: TerraformStack;
  private readonly secretFiles = new Map<string, string>();
  private readonly terraformNames = new Map<string, string>();
  private readonly clusterNames = new Map<string, string>();

  constructor(scope: Construct, id: string, props: OperationsCenterProps = {}) {
    super(scope, id);
    const where = `OperationsCenter '${this.node.path}'`;
    this.stack = TerraformStack.of(this);
    const other = byStack.get(this.stack);
    if (other !== undefined) {
      throw synthError(where, [
        `stack '${this.stack.node.path}' already has one at '${other.node.path}'. Create a single OperationsCenter per stack, before any Cluster or ClusterTemplate`,
      ]);
    }
    for (const [prop, why] of Object.entries(REMOVED_PROPS)) {
      if (prop in props) throw synthError(where, [`${prop} is no longer supported: ${why}`]);
    }
    const timeoutProblem = props.evacuationTimeout === undefined ? undefined : evacuationTimeoutProblem("evacuationTimeout", props.evacuationTimeout);
    failOn(where, [timeoutProblem]);
    const readsProblem = props.maxParallelReads === undefined ? undefined : maxParallelReadsProblem(props.maxParallelReads);
    if (readsProblem !== undefined) throw synthError(where, [`maxParallelReads ${readsProblem}`]);
    const retry = props.retry ?? {};
    const retryProblems = retrySettingProblems({
      ...(retry.maxAttempts === undefined ? {} : { max_attempts: retry.maxAttempts }),
      ...(retry.maxBackoff === undefined ? {} : { max_backoff: retry.maxBackoff }),
      ...(retry.totalBackoff === undefined ? {} : { total_backoff: retry.totalBackoff }),
    });
    if (retryProblems.length > 0) {
      throw synthError(where, [`${retryProblems.map(({ setting, problem }) => `retry.${attributeName("cdktf", setting)} ${problem}`).join("; ")}`]);
    }
    if (props.url !== undefined && !/^https?:\/\//.test(props.url)) {
      throw synthError(where, [`url "${props.url}" must start with https:// (or http:// for a local test server)`]);
    }

    const stackDir = path.resolve(App.of(this).outdir, "stacks", this.stack.node.id);
    const configDir =
      props.configDir === undefined || path.isAbsolute(props.configDir) ? props.configDir : toPosix(path.relative(stackDir, path.resolve(props.configDir)));
    byStack.set(this.stack, this);
    this.provider = new OperationscenterProvider(this.stack, "operationscenter", {
      remote: props.remote === undefined ? undefined : literal(props.remote),
      configDir: configDir === undefined ? undefined : literal(configDir),
      url: props.url === undefined ? undefined : literal(props.url),
      evacuationTimeout: props.evacuationTimeout,
      // Plan errors then name props as the code writes them (allowRecreate: true).
      configurationLanguage: "cdktf",
      maxParallelReads: props.maxParallelReads,
      ...(props.retry === undefined ? {} : { retry: props.retry }),
    });

    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = path.join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
        const written = writeProviderArchives(path.join(dir, "terraform.d", "plugins"));
        writeLockEntry(dir, [written.hash]);
        this.writeSecretFiles(path.join(dir, SECRETS_DIR));
        this.relativizeLocalBackend(dir);
      },
    });
  }

  /**
   * Claims a Terraform resource name of this stack; readable names must not collide.
   * @internal Called by this package's constructs; not part of the public API.
   */
  claimTerraformName(name: string, constructPath: string): void {
    const other = this.terraformNames.get(name);
    if (other !== undefined) {
      throw synthError(`'${constructPath}'`, [`its Terraform name "${name}" is already used by '${other}'. Give one of them another id`]);
    }
    this.terraformNames.set(name, constructPath);
  }

  /**
   * Records a cluster name; names must be unique per stack.
   * @internal Called by Cluster; not part of the public API.
   */
  registerCluster(name: string, constructPath: string): void {
    const other = this.clusterNames.get(name);
    if (other !== undefined) {
      throw synthError(`Cluster '${constructPath}'`, [`cluster name "${name}" is already declared by '${other}'`]);
    }
    this.clusterNames.set(name, constructPath);
  }

  /**
   * Keeps a secret input out of cdk.tf.json and the plan: it is written at synth to
   * `secrets/<name>.json` (mode 0600) and read by Terraform with file(), feeding a write-only
   * attribute. Returns that expression.
   * @internal Called by Cluster; not part of the public API.
   */
  secretInput(name: string, content: string): string {
    this.secretFiles.set(name, content);
    return `\${file("\${path.module}/${SECRETS_DIR}/${name}.json")}`;
  }

  private writeSecretFiles(dir: string): void {
    if (this.secretFiles.size === 0) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    for (const [name, content] of this.secretFiles) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, content, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }

  /**
   * cdktf's default local backend holds an absolute path; keep the same file, relative. Found by
   * cdktf's own marker rather than instanceof, which fails when the app's cdktf is another copy.
   */
  private relativizeLocalBackend(stackDir: string): void {
    for (const backend of this.stack.node.findAll().filter((c) => TerraformBackend.isBackend(c))) {
      const local = (backend.toTerraform() as { terraform?: { backend?: { local?: { path?: string } } } }).terraform?.backend?.local;
      if (local?.path !== undefined && path.isAbsolute(local.path)) {
        backend.addOverride("path", toPosix(path.relative(stackDir, local.path)));
      }
    }
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
