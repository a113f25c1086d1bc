// operationscenter_cluster_application: a non-primary IncusOS application on every member of a
// cluster (incus-os@de27173 incus-osd/api/application.go). Added with add_application; removed from
// each member through the IncusOS endpoint, because Operations Center has no remove action.
import { applicationNameSchema, type ApplicationArguments } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { Resource } from "../plugin/types.js";
import { schemaProblems } from "./bulk/common.js";
import { memberItemResource } from "./bulk/member-item.js";
import { runBulkAction } from "./bulk/run.js";
import { knownString } from "./values.js";

type ApplicationName = ApplicationArguments["name"];

const describe = (name: string): string => `application "${name}"`;

function applicationOf(value: string | undefined): ApplicationName | undefined {
  const parsed = applicationNameSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export const clusterApplicationResource: Resource<ProviderClient> = memberItemResource<ApplicationName>({
  typeName: "operationscenter_cluster_application",
  description:
    "A non-primary IncusOS application (debug, gpu-support, incus-ceph, incus-linstor, openfga) installed on every member of the cluster. Added with Operations Center's " +
    "add_application (which does not revert a partial install: the next apply installs it on the members that lack it); a server about to join gets it first, " +
    "through its IncusOS endpoint, since Operations Center compares the applications before it admits a server. Destroy removes it from each member through its IncusOS endpoint. The primary application is chosen at install time and cannot be declared here.",
  attributes: {
    name: { type: "string", required: true, description: "The application: debug, gpu-support, incus-ceph, incus-linstor or openfga." },
  },
  idFormat: "CLUSTER/NAME",
  neededToJoin: true,
  // The join check compares the application lists Operations Center stored at its last poll
  // (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, checkClusteringServerConsistency).
  stored: (server, name) => (server.version_data?.applications ?? []).some((application) => application.name === name),
  itemOf: (values) => applicationOf(knownString(values.name)),
  problems(config) {
    const name = knownString(config.name);
    return name === undefined ? [] : schemaProblems(applicationNameSchema, name, () => ["name"]);
  },
  valuesOf: (name) => ({ name }),
  idOf: (name) => name,
  parseId([name]) {
    const item = applicationOf(name);
    return item === undefined ? { problem: `"${name}" is not a non-primary application` } : { item };
  },
  describe,
  has: async (api, member, name) => (await api.incusOS.listApplications(member)).includes(name),
  bulkAdd: (api, log, cluster, name) => runBulkAction(api, log, cluster, "add_application", { name }, `adding ${describe(name)}`),
  removalWarning: (name, cluster) => ({
    summary: `${describe(name)} will be removed from every member of cluster "${cluster}"`,
    detail:
      "IncusOS stops the application and wipes its local data on each member; what depends on it (the ceph or linstor service for incus-ceph or incus-linstor) stops working.",
  }),
  addOn: (api, member, name) => api.incusOS.installApplication(member, name),
  removeOn: (api, member, name) => api.incusOS.removeApplication(member, name),
});
