/**
 * The baseline: a raw Fastify server with one "hello" route and nothing else (no plugins, no
 * logging), in its own process like the platform. Prints `listening <port>` when it serves.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${new URL(address).port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
