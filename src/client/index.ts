// Public surface of the Operations Center client (package export "./client"): the client, its
// options and errors, where it finds its remote, and the shapes its methods take and return.
// Everything else under src/client/ is internal; its modules import each other directly.
export { OperationsCenterClient, type ServerInfo } from "./client.js";
export type { IncusOSClient } from "./incusos-client.js";
export { NOT_SENT, type ApiResponse, type ClientOptions, type RequestEvent, type RequestOptions } from "./transport.js";
export { OperationsCenterError, isOperationsCenterError } from "./errors.js";
export { defaultConfigDir, resolveRemote, type ResolveRemoteOptions, type ResolvedRemote } from "./remote.js";
// The shapes the client's methods take and return, grouped by what they describe.
export { IN_MAINTENANCE, serverTypes, type IncusOSObject, type Server, type ServerType, type SystemNetwork } from "./api-types.js";
export {
  bulkActions,
  deleteModes,
  type BulkAction,
  type Cluster,
  type ClusterAddServersPost,
  type ClusterPost,
  type ClusterPut,
  type DeleteMode,
} from "./api-types.js";
export type { ClusterTemplate, ClusterTemplatePost, ClusterTemplatePut } from "./api-types.js";
export type { InventoryImage, InventoryInstance, InventoryStoragePool, InventoryStorageVolume } from "./api-types.js";
