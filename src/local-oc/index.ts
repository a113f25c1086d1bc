// Public surface of the local Operations Center (package export "./local-oc"): starting one, its
// options and handle, and the shapes of its seed documents and state snapshots. The routes and
// models under src/local-oc/ are internal.
export {
  startLocalOperationsCenter,
  type Faults,
  type LocalClusterSnapshot,
  type LocalOperationsCenter,
  type LocalOperationsCenterOptions,
  type LocalStateSnapshot,
  type RequestLogEntry,
} from "./server.js";
export { SeedError, type SeedCluster, type SeedDocument, type SeedServer, type SeedTemplate, type SeedToken } from "./seed.js";
export type { ClusterRecord, IncusOSState, ServerRecord, TemplateRecord } from "./persisted.js";
export { StateFileError } from "./state.js";
export type { Model } from "./seeding.js";
export { LOCAL_REMOTE } from "./client-config.js";
