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
export {
  seedDocumentSchema,
  loadSeedFile,
  parseSeedDocument,
  loadSeed,
  parseSeed,
  SeedError,
  type Seed,
  type SeedDocument,
  type SeedServer,
  type SeedTemplate,
  type SeedCluster,
  type SeedToken,
} from "./seed.js";
export type { ServerRecord, ClusterRecord, TemplateRecord, IncusOSState } from "./persisted.js";
export { StateFileError } from "./state.js";
export type { Model } from "./seeding.js";
export { LOCAL_REMOTE } from "./client-config.js";
