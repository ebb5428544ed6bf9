// An AI app whose agent can run shell commands: the official TypeScript SDK client connects
// through `mcptray connect SERVER`, makes a call that MCP Tray holds for approval, and while it
// is held runs `mcptray approve ID` as its own child (and through a shell, as an agent would, and
// detached from its process tree with setsid).
// Usage: node agent.mjs MCPTRAY SERVER TOOL ARGS_JSON
// It prints two JSON lines: what the approve attempts gave, then how the call ended.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [bin, server, tool, json] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: ["connect", server], env: process.env, stderr: "inherit" });
const client = new Client({ name: "agent-stand-in", version: "1.0.0" }, { capabilities: {} });

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { env: process.env, encoding: "utf8" });
  return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// detached runs the command the way an agent leaves its app's process tree: a new session
// (setsid), or with orphan a process group of its own in the same session (python's
// setpgid), whose parent exits at once, so that it is given to pid 1 (or the nearest reaper).
// The outcome comes back through a file.
const detached = async (cmd, args, orphan = false) => {
  const out = join(mkdtempSync(join(tmpdir(), "mcptray-agent-")), "out");
  const leave = orphan
    ? `python3 -c 'import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])' sh`
    : "setsid sh";
  const script = `out=$1; shift; ${leave} -c '"$@" > "$0" 2>&1; echo "exit $?" >> "$0"' "$out" "$@" &`;
  run("sh", ["-c", script, "sh", out, cmd, ...args]);
  for (let i = 0; i < 400; i++) {
    let text = "";
    try {
      text = readFileSync(out, "utf8");
    } catch {}
    const m = text.match(/exit (\d+)\s*$/);
    if (m) return { exit: Number(m[1]), stderr: text.slice(0, m.index) };
    await sleep(25);
  }
  return { exit: -1, stderr: "the detached program did not finish within 10 s" };
};

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
  attempts.detached = await detached(bin, ["approve", id]);
  attempts.orphan = await detached(bin, ["approve", id], true);
}
process.stdout.write(JSON.stringify(attempts) + "\n");
process.stdout.write(JSON.stringify(await call) + "\n");
await client.close();
