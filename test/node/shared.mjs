// Three real MCP clients (the official TypeScript SDK) on one server, for the shared-mode
// tests and benchmarks. Usage: node shared.mjs SCENARIO [ARG...] -- COMMAND [ARGS...]
// Each client spawns its own COMMAND (`mcptray connect NAME`), as three AI apps would. The
// script prints one JSON document on stdout; "problems" lists everything that went wrong.
import { writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const dash = process.argv.indexOf("--");
if (dash < 0) {
  console.error("usage: node shared.mjs SCENARIO [ARG...] -- COMMAND [ARGS...]");
  process.exit(2);
}
const [scenario, ...scenarioArgs] = process.argv.slice(2, dash);
const [command, ...args] = process.argv.slice(dash + 1);

const problems = [];
const problem = (s) => {
  if (problems.length < 50) problems.push(s);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// connect starts one client named client-I; it answers sampling requests with its own name,
// so a request that reached the wrong client shows in the result.
async function connect(i, clients = 3) {
  const name = `client-${i}`;
  const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
  const client = new Client({ name, version: "1.0.0" }, { capabilities: { sampling: {} } });
  const c = { i, name, client, sampled: 0, errors: [] };
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    c.sampled++;
    return { model: name, role: "assistant", content: { type: "text", text: `sampled by ${name}` } };
  });
  // The SDK reports here answers and progress for ids or tokens it does not know: the sign
  // of a message routed to the wrong client. One exception is normal: server-everything
  // sends an operation's last progress notification after its result, so progress for a
  // token this client used itself, once that call is over, is counted as late, not wrong.
  const tokens = new Set();
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const token = message?.params?._meta?.progressToken;
    if (token !== undefined) tokens.add(token);
    return send(message, options);
  };
  c.late = 0;
  client.onerror = (err) => {
    const m = String(err?.message ?? err);
    const late = m.match(/unknown token: (.*)$/s);
    if (late) {
      try {
        if (tokens.has(JSON.parse(late[1]).params.progressToken)) {
          c.late++;
          return;
        }
      } catch {}
    }
    c.errors.push(m);
    problem(`${name}: ${m}`);
  };
  await client.connect(transport);
  return c;
}

const text = (res) => res?.content?.[0]?.text ?? "";

// echo calls echo and checks that the answer is this call's.
async function echo(c, tag) {
  const res = await c.client.callTool({ name: "echo", arguments: { message: tag } });
  if (text(res) !== `Echo: ${tag}`) problem(`${c.name}: asked to echo ${tag}, got ${JSON.stringify(res)}`);
}

// long runs trigger-long-running-operation and counts its progress notifications.
async function long(c, seconds, steps, opts = {}) {
  let progress = 0;
  const res = await c.client.callTool(
    { name: "trigger-long-running-operation", arguments: { duration: seconds, steps } },
    undefined,
    { onprogress: () => { progress++; opts.onprogress?.(); }, signal: opts.signal, timeout: 120000 },
  );
  return { progress, res };
}

const out = {};
let clients = [];
try {
  clients = await Promise.all([0, 1, 2].map((i) => connect(i)));
  switch (scenario) {
    case "load": {
      // N calls in all, interleaved over the three clients with random delays; every tenth
      // is a short operation with progress, which must reach only its caller.
      const n = Number(scenarioArgs[0] ?? 10000);
      const workers = Number(scenarioArgs[1] ?? 8);
      let next = 0;
      const progress = [0, 0, 0];
      const t0 = Date.now();
      await Promise.all(clients.flatMap((c) => Array.from({ length: workers }, async (_, w) => {
        for (;;) {
          const k = next++;
          if (k >= n) return;
          if (Math.random() < 0.5) await sleep(Math.random() * 3);
          if (k % 10 === 0) {
            const r = await long(c, 0.05, 2);
            progress[c.i] += r.progress;
          } else {
            await echo(c, `${c.name}/${w}/${k}`);
          }
        }
      })));
      out.ms = Date.now() - t0;
      await sleep(300); // the last operations' late progress
      out.calls = n;
      out.progress = clients.map((c) => progress[c.i] + c.late);
      break;
    }
    case "cancel": {
      // client-0 cancels its operation after the first progress; the others' run on.
      const ac = new AbortController();
      const first = new Promise((resolve) => {
        long(clients[0], 4, 8, { signal: ac.signal, onprogress: resolve }).then(
          () => problem("client-0: the cancelled call completed"),
          (err) => { out.cancelled = String(err?.message ?? err); },
        );
      });
      const others = [1, 2].map((i) => long(clients[i], 1, 4));
      await first;
      ac.abort("changed my mind");
      const echoes = [1, 2].map(async (i) => { for (let k = 0; k < 50; k++) await echo(clients[i], `after-cancel-${k}`); });
      const results = await Promise.all(others);
      await Promise.all(echoes);
      await sleep(300); // late progress
      out.othersProgress = results.map((r, k) => r.progress + clients[k + 1].late);
      out.othersText = results.map((r) => text(r.res));
      break;
    }
    case "sampling": {
      // client-1, then client-2, call a tool that samples: each sampling request must reach
      // the client that called. Then client-1 calls it while client-0 has a long call
      // running: the server does not say which call asks, so no app's model is asked.
      out.results = [];
      for (const i of [1, 2]) {
        const res = await clients[i].client.callTool({ name: "trigger-sampling-request", arguments: { prompt: `from ${clients[i].name}`, maxTokens: 5 } });
        out.results.push(text(res));
      }
      let started;
      const first = new Promise((resolve) => (started = resolve));
      const running = long(clients[0], 2, 4, { onprogress: () => started() });
      await first;
      try {
        const res = await clients[1].client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "from client-1", maxTokens: 5 } });
        out.busy = (res.isError ? "error: " : "") + text(res);
      } catch (err) {
        out.busy = `error: ${err?.message ?? err}`;
      }
      await running;
      out.sampled = clients.map((c) => c.sampled);
      break;
    }
    case "crash": {
      // Calls run on every client; READY_FILE is written once they do. The test kills the
      // server process; calls in flight fail, then the clients carry on, without reconnecting.
      const readyFile = scenarioArgs[0];
      const deadline = Date.now() + 60000;
      const stats = clients.map(() => ({ okBefore: 0, failed: 0, okAfter: 0, failures: [] }));
      await Promise.all(clients.map(async (c) => {
        const s = stats[c.i];
        const loop = async (kind) => {
          while (Date.now() < deadline && s.okAfter < 20) {
            try {
              if (kind === "long") await long(c, 0.5, 2); else await echo(c, `${c.name}-${Date.now()}`);
              if (s.failed > 0) s.okAfter++; else s.okBefore++;
            } catch (err) {
              s.failed++;
              if (s.failures.length < 3) s.failures.push(String(err?.message ?? err));
              await sleep(50);
            }
            if (readyFile && c.i === 0 && s.okBefore === 10) writeFileSync(readyFile, "ready");
          }
        };
        await Promise.all([loop("long"), loop("echo"), loop("echo")]);
      }));
      out.stats = stats;
      break;
    }
    case "disconnect": {
      // client-0 goes away in the middle of a call; the others keep working while the
      // server's late answer comes back.
      const first = new Promise((resolve) => long(clients[0], 1.5, 6, { onprogress: resolve }).catch(() => {}));
      await first;
      await clients[0].client.close();
      const t0 = Date.now();
      let calls = 0;
      while (Date.now() - t0 < 2500) {
        await Promise.all([1, 2].map((i) => echo(clients[i], `still-${calls}`)));
        calls++;
      }
      const r = await long(clients[1], 0.2, 2);
      out.calls = calls;
      out.progressAfter = r.progress;
      break;
    }
    case "latency": {
      // N sequential small calls on client-0 (the others connected, idle); microseconds each.
      const n = Number(scenarioArgs[0] ?? 200);
      for (let k = 0; k < 300; k++) await echo(clients[0], "warm"); // let the server's JIT warm up, in both modes
      out.us = [];
      for (let k = 0; k < n; k++) {
        const s = process.hrtime.bigint();
        await echo(clients[0], "ping");
        out.us.push(Number(process.hrtime.bigint() - s) / 1000);
      }
      break;
    }
    case "throughput": {
      // As many calls as possible in SECONDS over the three clients, 8 at a time each.
      const seconds = Number(scenarioArgs[0] ?? 3);
      const until = Date.now() + seconds * 1000;
      let calls = 0;
      await Promise.all(clients.flatMap((c) => Array.from({ length: 8 }, async (_, w) => {
        while (Date.now() < until) {
          await echo(c, `${c.name}-${w}`);
          calls++;
        }
      })));
      out.callsPerSecond = calls / seconds;
      break;
    }
    case "hold": {
      // Connect, list tools, then keep the three connections open until stdin closes.
      for (const c of clients) await c.client.listTools();
      writeFileSync(scenarioArgs[0], "ready");
      await new Promise((resolve) => { process.stdin.on("end", resolve); process.stdin.resume(); });
      break;
    }
    default:
      throw new Error("unknown scenario " + scenario);
  }
} catch (err) {
  problem(`failed: ${err?.message ?? err}`);
}
out.problems = problems;
process.stdout.write(JSON.stringify(out) + "\n");
await Promise.all(clients.map((c) => c.client.close().catch(() => {})));
process.exit(0);
