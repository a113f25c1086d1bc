// operationscenter_servers: the registered servers, optionally narrowed by Operations Center's
// expr filter (sent as ?filter=) and by status (checked here: OC's ?status= answers 500 for an
// unknown value, and a plan-time check can say which values exist).
import { createHash } from "node:crypto";
import type { Server } from "../../client/api-types.js";
import type { ProviderClient } from "../client.js";
import type { CtyType, DataSource, Diagnostic, ObjectValue } from "../plugin/types.js";
import { apiStep, knownString } from "../resources/values.js";

/** server_status values (operations-center@41a98e0 shared/api/provisioning_server.go, ServerStatus). */
const serverStatuses = ["unknown", "unregistered", "pending", "ready", "offline"] as const;

/** `cluster == ""` or `cluster != ""` (either quote): a comparison that is never what the user meant. */
const EMPTY_CLUSTER = /(?<![.\w])cluster\s*[!=]=\s*(""|'')/;

const serverAttributes = ["name", "cluster", "server_type", "server_status", "channel", "connection_url", "description"] as const;
const serverType: CtyType = ["object", Object.fromEntries(serverAttributes.map((a) => [a, "string"]))];

export const serversDataSource: DataSource<ProviderClient> = {
  typeName: "operationscenter_servers",
  schema: {
    version: 0,
    block: {
      description: "The servers registered in Operations Center, optionally filtered.",
      attributes: {
        id: { type: "string", computed: true, description: "A digest of the query (filter and status)." },
        filter: {
          type: "string",
          optional: true,
          description:
            "An Operations Center filter expression (expr-lang, https://expr-lang.org), evaluated per server; it must be true or false. " +
            "Names are the server's JSON fields as Operations Center stores them: name, cluster, type, status, status_detail, channel, connection_url, " +
            "description, properties (a map: properties.rack), version_data, os_data, hardware_data. " +
            "Strings are quoted (\"…\" or '…'); operators ==, !=, <, >, in, contains, startsWith, endsWith, matches, and/&&, or/||, not/!. " +
            'cluster is nil for an unclustered server (never ""): `cluster == nil` selects unclustered servers, `cluster == "lab"` the members of lab, ' +
            '`status == "ready" and cluster == nil` ready unclustered ones. A filter that matches nothing answers [].',
        },
        status: {
          type: "string",
          optional: true,
          description: `Only servers with this server_status: one of ${serverStatuses.join(", ")}.`,
        },
        names: { type: ["list", "string"], computed: true, description: "The names of the matching servers, sorted." },
        servers: {
          type: ["list", serverType],
          computed: true,
          description: `The matching servers, sorted by name, with ${serverAttributes.join(", ")} (cluster is "" for an unclustered server).`,
        },
      },
    },
  },

  validate({ config }) {
    const problems: Diagnostic[] = [];
    const status = knownString(config.status);
    if (status !== undefined && !(serverStatuses as readonly string[]).includes(status)) {
      problems.push({
        severity: "error",
        summary: `status: ${JSON.stringify(status)} is not a server status`,
        detail: `Use one of ${serverStatuses.join(", ")}, or leave status unset for every server.`,
        path: ["status"],
      });
    }
    const filter = knownString(config.filter);
    if (filter !== undefined && EMPTY_CLUSTER.test(filter)) {
      problems.push({
        severity: "error",
        summary: `filter: cluster is nil for an unclustered server, never ""`,
        detail:
          `Operations Center's filter sees cluster as nil when a server is in no cluster (the servers list shows "" only in this data source's output), ` +
          `so cluster == "" matches nothing and cluster != "" matches every server. Write cluster == nil (or cluster != nil).`,
        path: ["filter"],
      });
    }
    return problems;
  },

  async read(config, { client }) {
    const filter = knownString(config.filter);
    const status = knownString(config.status);
    // Operations Center's own records (status, cluster, and its stored copy of each server as of
    // its last poll), not the servers' live state: they are what Operations Center decides from
    // when it creates a cluster or admits a server, which is what a configuration selects on.
    const listed = await apiStep(
      filter === undefined ? "Cannot list the servers" : `Cannot list the servers matching the filter ${JSON.stringify(filter)}`,
      () => client.api.listServers(filter === undefined ? {} : { filter }),
      filter === undefined ? undefined : ["filter"],
    );
    const servers = listed.filter((s) => status === undefined || s.server_status === status).sort((a, b) => compare(a.name, b.name));
    const state: ObjectValue = {
      id: queryDigest(filter, status),
      filter: filter ?? null,
      status: status ?? null,
      names: servers.map((s) => s.name),
      servers: servers.map(serverValue),
    };
    return { state };
  },
};

function serverValue(server: Server): ObjectValue {
  return Object.fromEntries(serverAttributes.map((a) => [a, server[a]]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function queryDigest(filter: string | undefined, status: string | undefined): string {
  return createHash("sha256")
    .update(JSON.stringify({ filter: filter ?? null, status: status ?? null }))
    .digest("hex");
}
