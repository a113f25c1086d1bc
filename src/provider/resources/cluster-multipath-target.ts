// operationscenter_cluster_multipath_target: one multipath WWN on every member of a cluster
// (add_/remove_multipath_storage_target: operations-center@41a98e0
// shared/api/provisioning_cluster.go; the service config: incus-os@de27173
// incus-osd/api/service_multipath.go). A change is a replace.
import { multipathWwnSchema } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { Resource } from "../plugin/types.js";
import { schemaProblems } from "./bulk/common.js";
import { memberItemResource } from "./bulk/member-item.js";
import { runBulkAction } from "./bulk/run.js";
import { addOnMember, memberHas, removeFromMember, type ServiceList } from "./bulk/service-targets.js";
import { knownString } from "./values.js";

const wwnList: ServiceList<string> = {
  service: "multipath",
  listKey: "wwns",
  fromLive: (element) => (typeof element === "string" ? element : undefined),
  same: (a, b) => a === b,
  toLive: (wwn) => wwn,
};

const describe = (wwn: string): string => `multipath WWN ${wwn}`;

export const clusterMultipathTargetResource: Resource<ProviderClient> = memberItemResource<string>({
  typeName: "operationscenter_cluster_multipath_target",
  description:
    "A multipath device (by WWN) that every member of the cluster manages (the multipath service's wwns). Added with Operations Center's add_multipath_storage_target; " +
    "a member that lacks it while others have it is repaired through its IncusOS endpoint. IncusOS refuses a WWN a member cannot see under /dev/disk/by-id. " +
    "WWNs added by other means are left alone.",
  attributes: {
    wwn: { type: "string", required: true, description: 'The WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits.' },
  },
  idFormat: "CLUSTER/WWN",
  itemOf: (values) => knownString(values.wwn),
  problems(config) {
    const wwn = knownString(config.wwn);
    return wwn === undefined ? [] : schemaProblems(multipathWwnSchema, wwn, () => ["wwn"]);
  },
  valuesOf: (wwn) => ({ wwn }),
  idOf: (wwn) => wwn,
  parseId: ([wwn]) => ({ item: wwn! }),
  describe,
  has: (api, member, wwn) => memberHas(api, member, wwnList, wwn),
  bulkAdd: (api, log, cluster, wwn) => runBulkAction(api, log, cluster, "add_multipath_storage_target", { wwn }, `adding ${describe(wwn)}`),
  bulkRemove: (api, log, cluster, wwn) => runBulkAction(api, log, cluster, "remove_multipath_storage_target", { wwn }, `removing ${describe(wwn)}`),
  addOn: (api, member, wwn) => addOnMember(api, member, wwnList, wwn),
  removeOn: (api, member, wwn) => removeFromMember(api, member, wwnList, wwn),
});
