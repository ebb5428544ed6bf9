// Round trips of one small tool call through several paths to the same kind of server, timed
// in turn, call by call, from one process (the official TypeScript SDK client), so that the
// machine's load, the CPU each process lands on and node's own warm-up weigh on every path
// alike. The relay benchmarks (test/e2e, #27) use it to compare direct, socat and MCP Tray.
// Usage: node interleave.mjs N SKIP TOOL ARGS_JSON -- COMMAND [ARGS...] [-- COMMAND [ARGS...]]...
// It connects to every command, calls TOOL SKIP+N times on each (each round visits the paths
// in a different order), and prints {"us":[[...],...]}: the last N round trips of each path,
// in microseconds.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const argv = process.argv.slice(2);
const first = argv.indexOf("--");
if (first < 4) {
  console.error("usage: node interleave.mjs N SKIP TOOL ARGS_JSON -- COMMAND [ARGS...] [-- COMMAND...]...");
  process.exit(2);
}
const n = Number(argv[0]);
const skip = Number(argv[1]);
const tool = argv[2];
const toolArgs = JSON.parse(argv[3]);
const commands = [];
for (const word of argv.slice(first)) {
  if (word === "--") commands.push([]);
  else commands[commands.length - 1].push(word);
}

const clients = [];
for (const [command, ...args] of commands) {
  const client = new Client({ name: "mcptray-bench-client", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" }));
  clients.push(client);
}
const us = clients.map(() => []);
for (let i = 0; i < skip + n; i++) {
  for (let j = 0; j < clients.length; j++) {
    const k = (i + j) % clients.length; // rotate who goes first
    const s = process.hrtime.bigint();
    await clients[k].callTool({ name: tool, arguments: toolArgs });
    if (i >= skip) us[k].push(Number(process.hrtime.bigint() - s) / 1000);
  }
}
process.stdout.write(JSON.stringify({ us }) + "\n");
await Promise.all(clients.map((c) => c.close().catch(() => {})));
process.exit(0);
