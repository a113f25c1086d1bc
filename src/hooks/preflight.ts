// Moved to the provider, which now owns the server checks; kept for the hooks until they go.
export { checkServers, type ServerCheck } from "../provider/resources/cluster/preflight.js";
