import { Construct } from "constructs";
import { MAX_FILE_BYTES, readRegularFile } from "../src/config/input-limits.js";
import { clusterSettingsConfigSchema, clusterSettingsProblems, type ClusterSettingsConfig } from "../src/config/incus.js";
import { checkPlacementScriptlet, formatStarlarkProblem } from "../src/config/starlark.js";
import { anyToken, declareOnce, dependentDeletionPolicy, namedResource, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { incusConnection, type IncusConnectionProps } from "./incus-common.js";
import { literal, literalMap } from "./names.js";
import { IncusClusterSettings as SettingsResource } from "./provider/incus-cluster-settings/index.js";
import { checkProps, failOn, synthError } from "./synth-errors.js";

export interface IncusClusterSettingsProps extends IncusConnectionProps, DependentDeletionProps {
  /**
   * The cluster whose Incus API is used: a `Cluster` of this app (referenced, so Terraform creates
   * it and joins its servers first) or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /**
   * Cluster-wide Incus keys (cluster.max_voters, ...); only the keys given are managed, a key
   * removed later is unset. @default {} (no key managed)
   */
  readonly config?: ClusterSettingsConfig;
  /** The instance placement scriptlet: Starlark source, or the path of a .star file (read at synth). @default not managed */
  readonly placementScriptlet?: string;
}

/**
 * Cluster-wide Incus settings and the placement scriptlet of a cluster: one
 * `operationscenter_incus_cluster_settings` resource. Removing it unsets exactly the keys it set,
 * unless its deletionPolicy is `retain` (by default when the cluster's is `retain` or `forget`).
 * One per cluster.
 */
export class IncusClusterSettings extends Construct {
  readonly resource: SettingsResource;

  constructor(scope: Construct, id: string, props: IncusClusterSettingsProps) {
    super(scope, id);
    const where = `IncusClusterSettings '${this.node.path}'`;
    const typed = props.config === undefined || anyToken(props.config) ? props.config : checkProps(where, clusterSettingsConfigSchema, props.config, "config");
    const config =
      typed === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(typed)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, String(v)]),
          );
    if (config !== undefined && !anyToken(...Object.values(config)))
      failOn(
        where,
        clusterSettingsProblems(config).map((p) => `config.${p}`),
      );
    const scriptlet = props.placementScriptlet === undefined ? undefined : scriptletSource(where, props.placementScriptlet);
    const deletionPolicy = dependentDeletionPolicy(where, props.cluster, props.deletionPolicy);
    declareOnce(this, `incus-settings\0${props.cluster.name}`, where, `the Incus settings of cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new SettingsResource(this, "resource", {
          provider,
          ...incusConnection(props.cluster, props),
          ...(config === undefined ? {} : { config: literalMap(config) }),
          ...(scriptlet === undefined ? {} : { placementScriptlet: literal(scriptlet) }),
          deletionPolicy,
        }),
    );
  }
}

function readScriptletFile(where: string, file: string): string {
  const read = readRegularFile(file, MAX_FILE_BYTES.config);
  if (read.ok) return read.text;
  throw synthError(where, [`placementScriptlet file ${file} ${read.reason}${read.missing ? " (give Starlark source or the path of a .star file)" : ""}`]);
}

/** The scriptlet text, read from the file when given a .star path; checked, errors at file:line:column. */
function scriptletSource(where: string, value: string): string {
  if (anyToken(value)) return value;
  const isPath = /\.star$/.test(value.trim()) && !value.includes("\n");
  const source = isPath ? readScriptletFile(where, value) : value;
  const problems = checkPlacementScriptlet(source, isPath ? value : "placementScriptlet");
  failOn(
    where,
    problems.map((p) => `invalid placement scriptlet: ${formatStarlarkProblem(p)}`),
  );
  return source;
}
