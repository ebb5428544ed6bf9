// An AI app whose agent can run shell commands: the official TypeScript SDK client connects
// through `mcptray connect SERVER`, makes a call that MCP Tray holds for approval, and while it
// is held runs `mcptray approve ID` as its own child (and through a shell, as an agent would).
// Usage: node agent.mjs MCPTRAY SERVER TOOL ARGS_JSON
// It prints two JSON lines: what the approve attempts gave, then how the call ended.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawnSync } from "node:child_process";

const [bin, server, tool, json] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: ["connect", server], env: process.env, stderr: "inherit" });
const client = new Client({ name: "agent-stand-in", version: "1.0.0" }, { capabilities: {} });

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { env: process.env, encoding: "utf8" });
  return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await client.connect(transport);
await client.listTools();
const call = client.callTool({ name: tool, arguments: JSON.parse(json) }, undefined, { timeout: 120000 }).then(
  (result) => ({ result }),
  (err) => ({ error: String(err) }),
);
let id = "";
for (let i = 0; i < 800 && !id; i++) {
  const r = run(bin, ["approvals", "--json"]);
  id = r.exit === 0 ? (JSON.parse(r.stdout).approvals ?? [])[0]?.id ?? "" : "";
  if (!id) await sleep(25);
}
const attempts = { id };
if (id) {
  attempts.approve = run(bin, ["approve", id]);
  attempts.shell = run("sh", ["-c", `"$0" approve --always "$1"`, bin, id]);
}
process.stdout.write(JSON.stringify(attempts) + "\n");
process.stdout.write(JSON.stringify(await call) + "\n");
await client.close();
