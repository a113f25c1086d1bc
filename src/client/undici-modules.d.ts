// The undici modules src/client/undici.ts imports by path (undici ships types for its index only).
declare module "undici/lib/api/index.js" {
  const api: Pick<import("undici").Dispatcher, "request" | "stream" | "pipeline" | "upgrade" | "connect">;
  export default api;
}

declare module "undici/lib/core/connect.js" {
  const buildConnector: typeof import("undici").buildConnector;
  export default buildConnector;
}

declare module "undici/lib/dispatcher/agent.js" {
  const Agent: typeof import("undici").Agent;
  export default Agent;
}

declare module "undici/lib/dispatcher/dispatcher.js" {
  const Dispatcher: typeof import("undici").Dispatcher;
  export default Dispatcher;
}
