/** One connection per host per run, opened on first use and closed at the end. */
import type { Connection } from "../connection";
import { connectionSettings, type ConnectionSettings, type Inventory } from "../inventory";

export type ConnectionFactory = (hostName: string, settings: ConnectionSettings) => Connection;

export class ConnectionPool {
  private readonly open = new Map<string, Connection>();

  constructor(
    private readonly inventory: Inventory,
    private readonly factory: ConnectionFactory,
  ) {}

  settings(hostName: string): ConnectionSettings {
    const vars = this.inventory.hosts.has(hostName) ? this.inventory.varsFor(hostName) : {};
    return connectionSettings(hostName, vars);
  }

  get(hostName: string): Connection {
    let conn = this.open.get(hostName);
    if (!conn) {
      conn = this.factory(hostName, this.settings(hostName));
      this.open.set(hostName, conn);
    }
    return conn;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map((conn) => conn.close()));
    this.open.clear();
  }
}
