// undici's Agent and buildConnector, each from its own module. undici's index also loads its fetch,
// WebSocket, EventSource, cache, cookie and mock modules, and through a global those touch
// (Headers) Node.js's own copy of undici: 20-40 ms at the start of every provider process that
// talks to Operations Center, for nothing this client uses. These paths are undici's internals,
// so package.json pins undici's exact version.
import type * as undici from "undici";
import api from "undici/lib/api/index.js";
import connector from "undici/lib/core/connect.js";
import agent from "undici/lib/dispatcher/agent.js";
import dispatcher from "undici/lib/dispatcher/dispatcher.js";

// What undici's index does as it loads: every dispatcher gets request(), stream(), pipeline(),
// upgrade() and connect(), as undici's types say it has.
Object.assign(dispatcher.prototype, api);

export const Agent: typeof undici.Agent = agent;
export type Agent = undici.Agent;

export const buildConnector: typeof undici.buildConnector = connector;
export type ConnectorOptions = undici.buildConnector.BuildOptions;
export type Connector = undici.buildConnector.connector;
