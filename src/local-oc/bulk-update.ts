// Route of POST /1.0/provisioning/clusters/{name}/:bulk-update (operations-center@41a98e0
// internal/api/api_provisioning_cluster.go, clusterBulkUpdatePost): decodes the action and its
// arguments, and hands them to the model (cluster-bulk-model.ts). No state change here.
//
// One deliberate difference: the real handler dereferences a missing or null `arguments` and
// panics (the connection drops without a reply). Here that is a 400, "Bad Request: Missing
// arguments for action "x"", because a dropped connection is not a behaviour to build on.

import { bulkUpdateCluster, type BulkUpdate, type StorageService } from "./cluster-bulk-model.js";
import type { Context } from "./context.js";
import { DecodeError, decodeRaw, parseJsonBody, type FieldType, type StructSpec } from "./decode.js";
import { badRequest, q } from "./errors.js";
import { emptySync, type ApiRequest, type ApiResponse, type Router } from "./http.js";

const vlanSpec: StructSpec = {
  name: "",
  goType: 'struct { Interface string "json:\\"interface_name\\""; VLANTags []int "json:\\"vlan_tags\\"" }',
  fields: { interface_name: "string", vlan_tags: "[]int" },
};
const syslogSpec: FieldType = {
  struct: "SystemLoggingSyslog",
  goType: "api.SystemLoggingSyslog",
  fields: { address: "string", protocol: "string", log_format: "string" },
};
const loggingSpec: StructSpec = {
  name: "ServerSystemLogging",
  goType: "provisioning.ServerSystemLogging",
  fields: { config: { struct: "SystemLoggingConfig", goType: "api.SystemLoggingConfig", fields: { syslog: syslogSpec } }, state: "any" },
};
const kernelSpec: StructSpec = {
  name: "ServerSystemKernel",
  goType: "provisioning.ServerSystemKernel",
  fields: {
    config: {
      struct: "SystemKernelConfig",
      goType: "api.SystemKernelConfig",
      fields: {
        console: { list: "object", goType: "[]api.SystemKernelConfigConsole" },
        blacklist_modules: "[]string",
        cpu: "object",
        memory: {
          struct: "SystemKernelConfigMemory",
          goType: "*api.SystemKernelConfigMemory",
          fields: { persistent_hugepages: "int", zram_swap_size: "string" },
        },
        network: "object",
        pci: "object",
      },
    },
    state: "any",
  },
};
const applicationSpec: StructSpec = { name: "", goType: 'struct { Name string "json:\\"name\\"" }', fields: { name: "string" } };
const iscsiSpec: StructSpec = { name: "ServiceISCSITarget", goType: "api.ServiceISCSITarget", fields: { target: "string", address: "string", port: "int" } };
const multipathSpec: StructSpec = { name: "", goType: 'struct { WWN string "json:\\"wwn\\"" }', fields: { wwn: "string" } };
const nvmeSpec: StructSpec = {
  name: "ServiceNVMETarget",
  goType: "api.ServiceNVMETarget",
  fields: { transport: "string", address: "string", host_address: "string", port: "int", nqn: "string" },
};

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function decodeArgs(raw: unknown, spec: StructSpec): Record<string, unknown> {
  try {
    return decodeRaw(raw, spec);
  } catch (err) {
    if (err instanceof DecodeError) throw badRequest(err.message);
    throw err;
  }
}

function bulkUpdate(ctx: Context, req: ApiRequest): ApiResponse {
  const name = req.params["name"]!;
  let body: unknown;
  try {
    body = parseJsonBody(req.body);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  if (body !== null && (typeof body !== "object" || Array.isArray(body))) {
    throw badRequest(
      `json: cannot unmarshal ${Array.isArray(body) ? "array" : typeof body === "string" ? "string" : typeof body} into Go value of type api.ClusterBulkUpdatePost`,
    );
  }
  const request = (body ?? {}) as Record<string, unknown>;
  if (request["action"] !== undefined && request["action"] !== null && typeof request["action"] !== "string") {
    throw badRequest(
      `json: cannot unmarshal ${typeof request["action"] === "number" ? "number" : "object"} into Go struct field ClusterBulkUpdatePost.action of type api.ClusterBulkUpdateAction`,
    );
  }
  const action = str(request["action"]);
  const raw = request["arguments"];
  const specs: Record<string, StructSpec> = {
    add_network_interface_vlan_tags: vlanSpec,
    remove_network_interface_vlan_tags: vlanSpec,
    update_system_logging: loggingSpec,
    update_system_kernel: kernelSpec,
    add_application: applicationSpec,
    add_iscsi_storage_target: iscsiSpec,
    remove_iscsi_storage_target: iscsiSpec,
    add_multipath_storage_target: multipathSpec,
    remove_multipath_storage_target: multipathSpec,
    add_nvme_storage_target: nvmeSpec,
    remove_nvme_storage_target: nvmeSpec,
  };
  const spec = specs[action];
  if (spec === undefined) throw badRequest(`Invalid action ${q(action)}`);
  if (raw === undefined || raw === null) throw badRequest(`Missing arguments for action ${q(action)}`);
  const args = decodeArgs(raw, spec);
  bulkUpdateCluster(ctx, name, bulkUpdateOf(action, args, raw as Record<string, unknown>));
  return emptySync();
}

/** The decoded arguments of a known action as the model's BulkUpdate. */
function bulkUpdateOf(action: string, args: Record<string, unknown>, rawObject: Record<string, unknown>): BulkUpdate {
  switch (action) {
    case "add_network_interface_vlan_tags":
    case "remove_network_interface_vlan_tags":
      return {
        kind: "vlan_tags",
        add: action.startsWith("add_"),
        interface_name: str(args["interface_name"]),
        vlan_tags: (args["vlan_tags"] ?? []) as number[],
      };
    case "update_system_logging":
      return { kind: "logging", config: rawObject };
    case "update_system_kernel":
      return { kind: "kernel", config: rawObject };
    case "add_application":
      return { kind: "application", name: str(args["name"]) };
    default: {
      const [verb, service] = action.split("_") as ["add" | "remove", StorageService];
      return { kind: "storage_target", add: verb === "add", service, target: args };
    }
  }
}

export function registerBulkUpdateRoute(router: Router, ctx: Context): void {
  router.add("POST", "/1.0/provisioning/clusters/{name}/:bulk-update", (req) => bulkUpdate(ctx, req));
}
