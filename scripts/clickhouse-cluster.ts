// A throw-away ClickHouse cluster on this machine for the engine tests and benchmark: N instances of Debian's
// clickhouse-server on free loopback ports, each with its own data folder, and one `remote_servers` cluster with
// one shard per instance. Not for production: no replication, no ZooKeeper, data in a temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';
export const CLUSTER_NAME = 'tierlab_local';

export interface ClusterNode {
  url: string;
  httpPort: number;
  tcpPort: number;
  dir: string;
}

export interface LocalCluster {
  nodes: ClusterNode[];
  /** The `remote_servers` name Distributed tables use. */
  cluster: string;
  /** A user with a password (the one Tierlab connects as); `default` (no password) is for shard-to-shard queries. */
  user: string;
  password: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function usersXml(user: string, password: string): string {
  const profile = '<profile>default</profile><quota>default</quota><networks><ip>127.0.0.1</ip></networks>';
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password>${profile}</default>
    <${user}><password>${password}</password>${profile}</${user}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`;
}

function configXml(dir: string, node: { httpPort: number; tcpPort: number }, shards: number[]): string {
  const shardXml = shards.map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${node.httpPort}</http_port>
  <tcp_port>${node.tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <remote_servers><${CLUSTER_NAME}>${shardXml}</${CLUSTER_NAME}></remote_servers>
</yandex>`;
}

/** Waits until the node answers over HTTP; fails with its error log when the process ended first. */
async function ready(node: ClusterNode, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(node.url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = join(node.dir, 'error.log');
  throw new Error(`clickhouse-server on port ${node.httpPort} did not start: ${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : 'no log'}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `shards` clickhouse-server instances forming one cluster, and returns once every one answers.
 *
 * @example
 * const cluster = await startLocalCluster({ shards: 2 });
 * try { ... } finally { await cluster.stop(); }
 */
export async function startLocalCluster(options: { shards?: number; startTimeoutMs?: number } = {}): Promise<LocalCluster> {
  const count = options.shards ?? 2;
  const root = mkdtempSync(join(tmpdir(), 'tierlab-clickhouse-'));
  const user = 'tierlab';
  const password = randomBytes(12).toString('hex');
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    nodes.push({ url: `http://127.0.0.1:${httpPort}`, httpPort, tcpPort, dir: join(root, `node${i}`) });
  }
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      for (const sub of ['data', 'tmp', 'user_files']) mkdirSync(join(node.dir, sub), { recursive: true });
      writeFileSync(join(node.dir, 'users.xml'), usersXml(user, password));
      writeFileSync(join(node.dir, 'config.xml'), configXml(node.dir, node, nodes.map((n) => n.tcpPort)));
      children.push(spawn(CLICKHOUSE_SERVER, [`--config-file=${join(node.dir, 'config.xml')}`], { stdio: 'ignore' }));
    }
    await Promise.all(nodes.map((node, i) => ready(node, children[i], options.startTimeoutMs ?? 60_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, cluster: CLUSTER_NAME, user, password, stop };
}
