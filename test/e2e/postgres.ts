// A throwaway PostgreSQL server for the tests of Terraform's pg state backend: initdb in a
// temporary directory, listening on 127.0.0.1 at a free port with its unix socket in that
// directory, trust authentication, stopped and removed by close(). As root (initdb refuses root),
// the server runs as the system user postgres. Missing binaries are an error that says how to
// install them, never a skip: .ci/run installs postgresql-15.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";

export interface Postgres {
  /** postgres://… for Terraform's PG_CONN_STR (no password: trust on loopback). */
  connStr: string;
  /** Runs SQL with psql; returns its unaligned, tuples-only output. */
  query(sql: string): Promise<string>;
  close(): Promise<void>;
}

const PG_ROOT = "/usr/lib/postgresql";
const START_ATTEMPTS = 3;

/** The bin directory of the newest installed PostgreSQL server (PG_BIN overrides). */
function serverBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  const candidates =
    fromEnv !== undefined && fromEnv !== ""
      ? [fromEnv]
      : existsSync(PG_ROOT)
        ? readdirSync(PG_ROOT)
            .sort((a, b) => Number(b) - Number(a))
            .map((v) => path.join(PG_ROOT, v, "bin"))
        : [];
  const found = candidates.find((dir) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl")));
  if (found === undefined) {
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found in ${fromEnv !== undefined && fromEnv !== "" ? `PG_BIN=${fromEnv}` : `${PG_ROOT}/*/bin`}: ` +
        "install them (Debian: apt-get install -y postgresql-15; .ci/run does so) or set PG_BIN to their directory",
    );
  }
  return found;
}

function exec(file: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The uid/gid of the system user postgres, for running the server when this process is root. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(
      "running as root, and initdb refuses root: a system user 'postgres' is needed to run the test server (the postgresql-15 package creates it)",
    );
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<Postgres> {
  const bin = serverBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-pg-"));
  const asRoot = userInfo().uid === 0;
  const superuser = "terraform";
  // As root, the server's own files belong to postgres; the commands run through runuser.
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const server = (tool: string, args: readonly string[]) =>
    asRoot ? exec("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : exec(path.join(bin, tool), args);
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  const stop = async () => {
    await server("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  const init = await server("initdb", ["-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-sync"]);
  if (init.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
  }
  // A port found free can be taken before the server binds it: try again with another, a few times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
    const started = await server("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
    if (started.code === 0) {
      const connStr = `postgres://${superuser}@127.0.0.1:${port}/postgres?sslmode=disable`;
      return {
        connStr,
        async query(sql) {
          const result = await exec(path.join(bin, "psql"), [connStr, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]);
          if (result.code !== 0) throw new Error(`psql failed (exit ${result.code}) for ${sql}:\n${result.output}`);
          return result.output.trim();
        },
        close: stop,
      };
    }
    if (attempt === START_ATTEMPTS) {
      const serverLog = existsSync(log) ? readFileSync(log, "utf8") : "";
      await stop();
      throw new Error(`pg_ctl start failed ${START_ATTEMPTS} times (exit ${started.code}):\n${started.output}\n${serverLog}`);
    }
  }
}
