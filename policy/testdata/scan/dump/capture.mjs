// capture.mjs (a copy of ../../benign/capture.mjs) starts one stdio MCP server, sends initialize, notifications/initialized and
// tools/list, and prints the server's package, its serverInfo and the raw tools/list result
// as indented JSON. Usage (see README.md):
//   node capture.mjs npx -y @modelcontextprotocol/server-filesystem@2026.8.31 /tmp > filesystem.json
import { spawn } from "node:child_process";

const [cmd, ...args] = process.argv.slice(2);
const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
const limit = Number(process.env.CAPTURE_TIMEOUT_S || 120);
const timer = setTimeout(() => {
  console.error(`no tools/list answer within ${limit} s`);
  child.kill();
  process.exit(1);
}, limit * 1000);

let buf = "";
let serverInfo;
child.stdout.on("data", (d) => {
  buf += d;
  for (let i; (i = buf.indexOf("\n")) >= 0; ) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    if (!line) continue;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      continue; // a server that prints something else on stdout
    }
    if (msg.id === 1) {
      serverInfo = msg.result.serverInfo;
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
      send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    } else if (msg.id === 2) {
      if (!msg.result) {
        console.error(`tools/list failed: ${JSON.stringify(msg.error)}`);
        child.kill();
        process.exit(1);
      }
      clearTimeout(timer);
      const server = args.includes("-y") ? args[args.indexOf("-y") + 1] : (args.find((a) => a.startsWith("@")) ?? cmd);
      process.stdout.write(JSON.stringify({ server, serverInfo, result: msg.result }, null, 2) + "\n");
      child.kill();
      process.exit(0);
    }
  }
});
send({
  jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcptray-capture", version: "0" } },
});
