// Public programmatic API of the local Operations Center (package export "./local-oc").

export {
  startLocalOperationsCenter,
  faultsSchema,
  type Faults,
  type LocalOperationsCenter,
  type LocalOperationsCenterOptions,
  type LocalStateSnapshot,
  type LocalClusterSnapshot,
  type RequestLogEntry,
} from "./server.js";
export { seedDocumentSchema, loadSeedFile, parseSeedDocument, SeedError, type SeedDocument, type SeedServer } from "./seed.js";
export type { ServerRecord, ClusterRecord, TemplateRecord, IncusOSState } from "./state.js";
export { LOCAL_REMOTE } from "./client-config.js";
