// Configuration files: schemas, loaders and template rules (the `cdktf-operations-center/config` entry point).
export { ConfigError, formatPath, formatProblem, sortProblems, type CheckResult, type ConfigProblem } from "./errors.js";
export {
  checkConfigDocument,
  checkConfigText,
  loadConfig,
  loadConfigFile,
  parseConfigText,
  readConfigText,
  validateConfigValue,
} from "./load.js";
export { collectProblems, problemAt, throwIfProblems, type ProblemSource } from "./problems.js";
export { parseYaml, type Location, type Locator, type Path, type PositionMap, type YamlDocument } from "./yaml-positions.js";
export * from "./services.js";
export * from "./application.js";
export * from "./template.js";
export * from "./bulk.js";
export {
  isSecretPath,
  mergeSecrets,
  publicSecretProblems,
  redactSecrets,
  scrubSecrets,
  secretDigest,
  secretApplicationFields,
  secretPaths,
  secretValues,
  splitSecrets,
  type JsonObject,
  type SecretKind,
} from "./secrets.js";
