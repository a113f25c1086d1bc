// What the Incus constructs share: how they reach their cluster's Incus API, and synth-time checks
// that give the same messages as the provider's plan.
import { Token } from "cdktf";
import { clusterAttribute, type ICluster, isManagedCluster } from "./icluster.js";
import { literal } from "./names.js";

/** How an Incus construct reaches its cluster's API, when not by a remote named after the cluster. */
export interface IncusConnectionProps {
  /**
   * The incus CLI remote to use. @default a remote named after the cluster, else the cluster's
   * connection URL in Operations Center with the incus CLI's client certificate
   */
  readonly remote?: string;
  /** Address of the cluster's Incus API, e.g. https://192.0.2.101:8443. @default the remote's address, else the connection URL Operations Center records (see remote) */
  readonly incusAddress?: string;
  /** Client certificate the cluster trusts: PEM or the path of a PEM file; needs incusClientKeyFile. @default from the incus CLI configuration: the remote's, else client.crt */
  readonly incusClientCertificate?: string;
  /** Path of its key file (a path only, so that the key is never in plan or state). @default from the incus CLI configuration: the remote's, else client.key */
  readonly incusClientKeyFile?: string;
  /** Cluster certificate to pin: PEM or a path. @default the remote's server certificate, else the cluster certificate Operations Center records */
  readonly incusServerCertificate?: string;
}

/** The cluster and connection attributes of an Incus resource. */
export function incusConnection(cluster: ICluster, props: IncusConnectionProps): { cluster: string } & IncusConnectionProps {
  const out: { cluster: string } & { -readonly [K in keyof IncusConnectionProps]: IncusConnectionProps[K] } = { cluster: clusterAttribute(cluster) };
  for (const key of ["remote", "incusAddress", "incusClientCertificate", "incusClientKeyFile", "incusServerCertificate"] as const) {
    const value = props[key];
    if (value !== undefined) out[key] = literal(value);
  }
  return out;
}

/** The servers of a cluster of this app, when they are known at synth; undefined otherwise. */
function declaredServers(cluster: ICluster): readonly string[] | undefined {
  const servers = isManagedCluster(cluster) ? cluster.resource.serversInput : undefined;
  return servers === undefined || Token.isUnresolved(servers) || servers.some((s) => Token.isUnresolved(s)) ? undefined : servers;
}

/**
 * Synth-time check that each named server is one of the cluster's servers (a cluster of this
 * app): the same rule the provider checks at plan, where the cluster exists.
 */
export function memberProblems(cluster: ICluster, names: readonly string[], prop: string): string[] {
  const servers = declaredServers(cluster);
  if (servers === undefined || Token.isUnresolved(names)) return [];
  return names
    .filter((name) => !Token.isUnresolved(name) && !servers.includes(name))
    .map(
      (name) =>
        `${prop}: "${name}" is not one of the servers of cluster "${cluster.name}" (${[...servers].sort().join(", ")}); name one of them, or add it to the cluster's servers`,
    );
}
