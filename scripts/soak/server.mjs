// The soak test's server process: `node scripts/soak/server.mjs <dataDir> [history]` (started by
// scripts/soak.mjs over IPC). It hosts SoakRoom rooms on 127.0.0.1 with the durable file journal
// in dataDir, and answers `stats` with its memory, metrics and the log events it saw.
import { createServer } from '../../dist/server/index.js';
import { SoakRoom } from './room.mjs';

const [dataDir, history] = process.argv.slice(2);
const events = {};
const server = createServer({
  rooms: { soak: SoakRoom },
  dataDir,
  idleGrace: 120_000,
  ...(history ? { history: Number(history) } : {}),
  logger: {
    log(level, event) {
      if (level === 'warn' || level === 'error') events[`${level}:${event}`] = (events[`${level}:${event}`] ?? 0) + 1;
    },
  },
});
const { port } = await server.listen(0, '127.0.0.1');
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();

process.on('disconnect', () => process.exit(1)); // the orchestrator is gone: so are we
process.on('message', async (m) => {
  if (m.cmd === 'stats' || m.cmd === 'stats-gc') {
    if (m.cmd === 'stats-gc') globalThis.gc?.();
    const mem = process.memoryUsage();
    peakRss = Math.max(peakRss, mem.rss);
    const rooms = server.rooms.list();
    process.send({
      id: m.id,
      rss: mem.rss,
      cpu: process.cpuUsage(),
      heapUsed: mem.heapUsed,
      peakRss,
      rooms: rooms.length,
      connections: rooms.reduce((n, r) => n + r.connections, 0),
      metrics: { ...server.metrics },
      events,
    });
  } else if (m.cmd === 'close') {
    await server.close();
    process.send({ id: m.id, closed: true });
    process.disconnect();
  }
});
process.send({ port });
