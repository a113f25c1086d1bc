// operationscenter_cluster_iscsi_target: one iSCSI target on every member of a cluster
// (add_/remove_iscsi_storage_target; the service config: incus-os@de27173
// incus-osd/api/service_iscsi.go). A change of any field is a replace.
import { ISCSI_DEFAULT_PORT, iscsiTargetSchema, type IscsiTarget } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { ObjectValue, Resource } from "../plugin/types.js";
import { schemaProblems } from "./bulk/common.js";
import { memberItemResource } from "./bulk/member-item.js";
import { runBulkAction } from "./bulk/run.js";
import { addOnMember, memberHas, objectOf, removeFromMember, type ServiceList } from "./bulk/service-targets.js";
import { hasUnknown, knownString } from "./values.js";

const iscsiList: ServiceList<IscsiTarget> = {
  service: "iscsi",
  listKey: "targets",
  fromLive(element) {
    const o = objectOf(element);
    if (o === undefined) return undefined;
    return { target: String(o.target ?? ""), address: String(o.address ?? ""), port: typeof o.port === "number" ? o.port : 0 };
  },
  same: (a, b) => a.target === b.target && a.address === b.address && a.port === b.port,
  toLive: (item) => ({ target: item.target, address: item.address, port: item.port }),
};

function portOf(values: ObjectValue): number | undefined {
  const port = values.port;
  if (port === null || port === undefined) return ISCSI_DEFAULT_PORT;
  return typeof port === "number" ? port : undefined;
}

const describe = (t: IscsiTarget): string => `iSCSI target "${t.target}" at ${t.address.includes(":") ? `[${t.address}]` : t.address}:${t.port}`;

export const clusterIscsiTargetResource: Resource<ProviderClient> = memberItemResource<IscsiTarget>({
  typeName: "operationscenter_cluster_iscsi_target",
  description:
    "An iSCSI target that every member of the cluster logs in to (the iscsi service's targets). Added with Operations Center's add_iscsi_storage_target; " +
    "a member that lacks it while others have it is repaired through its IncusOS endpoint. Any change is a replace (remove, then add). Targets added by other means are left alone.",
  attributes: {
    target: { type: "string", required: true, description: 'The target IQN, e.g. "iqn.2004-10.org.example:storage1".' },
    address: { type: "string", required: true, description: "The portal's IP address or host name." },
    port: { type: "number", optional: true, computed: true, description: `The portal's TCP port. Default ${ISCSI_DEFAULT_PORT}.` },
  },
  idFormat: "CLUSTER/TARGET/ADDRESS/PORT",
  itemOf(values) {
    const target = knownString(values.target);
    const address = knownString(values.address);
    const port = portOf(values);
    return target === undefined || address === undefined || port === undefined ? undefined : { target, address, port };
  },
  problems(config) {
    if (hasUnknown(config.target) || hasUnknown(config.address) || hasUnknown(config.port)) return [];
    return schemaProblems(iscsiTargetSchema, { target: config.target, address: config.address, port: portOf(config) }, (path) => [String(path[0] ?? "target")]);
  },
  valuesOf: (t) => ({ target: t.target, address: t.address, port: t.port }),
  idOf: (t) => `${t.target}/${t.address}/${t.port}`,
  parseId([target, address, port]) {
    const number = Number(port);
    return Number.isInteger(number) ? { item: { target: target!, address: address!, port: number } } : { problem: `the port "${port}" is not a whole number` };
  },
  describe,
  has: (api, member, t) => memberHas(api, member, iscsiList, t),
  bulkAdd: (api, log, cluster, t) => runBulkAction(api, log, cluster, "add_iscsi_storage_target", t, `adding ${describe(t)}`),
  bulkRemove: (api, log, cluster, t) => runBulkAction(api, log, cluster, "remove_iscsi_storage_target", t, `removing ${describe(t)}`),
  addOn: (api, member, t) => addOnMember(api, member, iscsiList, t),
  removeOn: (api, member, t) => removeFromMember(api, member, iscsiList, t),
});
