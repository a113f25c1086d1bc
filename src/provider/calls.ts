// One provider log line per Operations Center API call (TF_LOG_PROVIDER=INFO shows them), e.g.
//   oc-cdktf: POST /1.0/provisioning/servers/server02/system/:evacuate: ok 200 (12 ms) subject=server02
// Built from the client's request events, whose paths the client has already scrubbed of secret
// query values; bodies and replies are never logged.
import type { RequestEvent } from "../client/transport.js";
import { redactString } from "../client/redact.js";
import type { Logger } from "./plugin/types.js";

/** The object a call touches, from its path (the server, cluster or template it names), for calls made without a subject. */
function callSubject(path: string): string | undefined {
  const bare = path.split("?")[0] ?? path;
  const match = /^\/1\.0\/provisioning\/(servers|clusters|cluster-templates)\/([^/]+)/.exec(bare);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[2]!);
  } catch {
    return match[2];
  }
}

/** The log line and its structured fields for one attempt of one call. */
function describeCall(event: RequestEvent): { message: string; fields: Record<string, string | number | boolean> } {
  const path = redactString(event.path);
  const outcome = event.error === undefined ? "ok" : "failed";
  const subject = event.subject ?? callSubject(path);
  const fields: Record<string, string | number | boolean> = {
    method: event.method,
    path,
    outcome,
    status: event.status,
    duration_ms: event.durationMs,
  };
  if (subject !== undefined) fields.subject = subject;
  if (event.attempt > 1) fields.attempt = event.attempt;
  const status = event.status === 0 ? "no reply" : String(event.status);
  const retry = event.attempt > 1 ? ` attempt ${event.attempt}` : "";
  const about = subject === undefined ? "" : ` subject=${subject}`;
  return { message: `oc-cdktf: ${event.method} ${path}: ${outcome} ${status} (${event.durationMs} ms)${retry}${about}`, fields };
}

/** An onRequest observer for OperationsCenterClient that writes one INFO line per call attempt. */
export function logCalls(log: Logger): (event: RequestEvent) => void {
  return (event) => {
    const { message, fields } = describeCall(event);
    log.info(message, fields);
  };
}
