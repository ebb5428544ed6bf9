// Preloaded into the TypeScript SDK's example servers: their fixed port 3000 or 3001 (or a port of
// 0) becomes one the system picks, and every server that listens prints its real port on
// stderr, so tests run side by side.
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] === 3000 || args[0] === 3001) args[0] = 0;
  this.once("listening", () => process.stderr.write(`MCPTRAY_TEST_PORT=${this.address().port}\n`));
  return listen.apply(this, args);
};
