// Configuration files: schemas, loaders and template rules (the `cdktf-operations-center/config` entry point).
export { ConfigError, formatPath, formatProblem, sortProblems, type ConfigProblem } from "./errors.js";
export {
  checkConfigDocument,
  checkConfigText,
  collectProblems,
  loadConfig,
  loadConfigFile,
  parseConfigText,
  parseYaml,
  problemAt,
  readConfigText,
  secretDigest,
  throwIfProblems,
  validateConfigValue,
  type CheckResult,
  type Location,
  type Locator,
  type Path,
  type PositionMap,
  type ProblemSource,
  type YamlDocument,
} from "./load.js";
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
  secretApplicationFields,
  secretPaths,
  secretValues,
  splitSecrets,
  type JsonObject,
  type SecretKind,
} from "./secrets.js";
