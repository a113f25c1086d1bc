// The direct-calls baseline as the process a user would run instead of `terraform apply`:
//   node dist/test/bench/direct-calls-main.js <operations-center config dir> <clusters>
// builds the client from that CLI configuration, creates bench clusters 1..N with the same calls
// and workers as the in-process baseline, and exits. apply.ts times it from spawn to exit.
import { benchClient, benchClusters, createAll, minimalCalls } from "./calls.js";

const [configDir, count] = process.argv.slice(2);
if (configDir === undefined || count === undefined || !/^[1-9]\d*$/.test(count)) {
  process.stderr.write("usage: node direct-calls-main.js <operations-center config dir> <number of clusters, 1 or more>\n");
  process.exit(2);
}
const client = benchClient(configDir);
try {
  await createAll(client, benchClusters(Number(count)), minimalCalls);
} finally {
  await client.close();
}
