// Public surface of the Operations Center client (package export "./client").
export * from "./api-types.js";
export * from "./errors.js";
export * from "./envelope.js";
export * from "./redact.js";
export * from "./remote.js";
export * from "./client.js";
