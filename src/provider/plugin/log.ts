// The provider's log: JSON lines on stderr in hclog's shape, which go-plugin parses and hands to
// Terraform's logger at their own level (so TF_LOG_PROVIDER=INFO shows info and above).
import type { Logger } from "./types.js";

type Fields = Record<string, string | number | boolean>;
type Level = "debug" | "info" | "warn";

const RANK: Record<Level | "off", number> = { debug: 1, info: 2, warn: 3, off: 4 };

/**
 * The lowest level worth writing, from the environment Terraform passes on: TF_LOG_PROVIDER, else
 * TF_LOG, as Terraform's own SDKs read them. Unset, Terraform discards every provider line, so
 * none is written (each would cost both processes a JSON encode and parse); a value that is no
 * level means TRACE, as Terraform takes it.
 */
export function logLevelFrom(env: NodeJS.ProcessEnv): Level | "off" {
  const setting = (env["TF_LOG_PROVIDER"] || env["TF_LOG"] || "").trim().toUpperCase();
  if (setting === "" || setting === "OFF") return "off";
  if (setting === "WARN" || setting === "ERROR") return "warn";
  if (setting === "INFO") return "info";
  return "debug";
}

/** go-plugin parses @timestamp with the layout 2006-01-02T15:04:05.000000Z07:00 (microseconds). */
function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

export function hclogLogger(
  module: string | undefined,
  write: (line: string) => void = (line) => process.stderr.write(line),
  minimum: Level | "off" = "debug",
): Logger {
  const emit = (level: Level, message: string, fields: Fields = {}): void => {
    if (RANK[level] < RANK[minimum]) return;
    const entry: Record<string, string | number | boolean> = { ...fields };
    entry["@level"] = level;
    entry["@message"] = message;
    entry["@timestamp"] = timestamp(new Date());
    if (module !== undefined) entry["@module"] = module;
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
  };
}
