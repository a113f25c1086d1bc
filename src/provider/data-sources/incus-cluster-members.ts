// operationscenter_incus_cluster_members (data source): the members of a cluster as its own Incus
// API reports them (GET /1.0/cluster/members?recursion=1, what `incus cluster list` and
// `incus cluster show` print), reached as the Incus resources reach it.
import type { ProviderClient } from "../client.js";
import type { CtyType, DataSource, Value } from "../plugin/types.js";
import { connectionAttributes, connectionProblems, incusFor } from "../resources/incus/connection.js";
import { apiStep, knownString } from "../resources/values.js";

const memberType: CtyType = [
  "object",
  {
    name: "string",
    url: "string",
    roles: ["list", "string"],
    architecture: "string",
    failure_domain: "string",
    description: "string",
    status: "string",
    message: "string",
    groups: ["list", "string"],
  },
];

export const incusClusterMembersDataSource: DataSource<ProviderClient> = {
  typeName: "operationscenter_incus_cluster_members",
  schema: {
    version: 0,
    block: {
      description:
        "The members of a cluster as its Incus reports them (incus cluster list / show): name, URL, roles, architecture, failure domain, description, status, message and groups, sorted by name. " +
        "The cluster is reached as the Incus resources reach it (remote, incus_address, else the connection URL in Operations Center).",
      attributes: {
        ...connectionAttributes,
        cluster: { type: "string", required: true, description: "Name of the cluster in Operations Center." },
        id: { type: "string", computed: true, description: "The cluster name." },
        names: { type: ["list", "string"], computed: true, description: "The member names, sorted." },
        members: {
          type: ["list", memberType],
          computed: true,
          description:
            "Each member: name, url (its cluster address), roles (database roles included), architecture, failure_domain, description, status (Online, Evacuated, Offline, ...), message, groups.",
        },
      },
    },
  },

  validate({ config }) {
    return connectionProblems(config);
  },

  async read(config, { client, log }) {
    const cluster = knownString(config.cluster)!;
    const incus = await incusFor(client, config, log);
    const members = (await apiStep(`Cannot list the Incus members of cluster "${cluster}"`, () => incus.listMembers())).sort((a, b) =>
      a.server_name.localeCompare(b.server_name),
    );
    return {
      state: {
        ...config,
        id: cluster,
        names: members.map((m) => m.server_name),
        members: members.map(
          (m): Value => ({
            name: m.server_name,
            url: m.url,
            roles: [...m.roles].sort(),
            architecture: m.architecture,
            failure_domain: m.failure_domain,
            description: m.description,
            status: m.status,
            message: m.message,
            groups: [...m.groups].sort(),
          }),
        ),
      },
    };
  },
};
