import type { AppInfo } from '../../../core/api/app-info';
import type { Connection } from './connect';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

/** What the shell shows about the core: who it is, and whether we still reach it. */
export class AppState {
  info = $state.raw<AppInfo | null>(null);
  status = $state<ConnectionStatus>('connecting');
  error = $state<string | null>(null);

  constructor(readonly connection: Connection) {
    connection.onLost((reason) => {
      this.status = 'disconnected';
      this.error = reason;
    });
  }

  async load(): Promise<void> {
    try {
      this.info = await this.connection.client.call('app.info');
      this.status = 'connected';
      this.error = null;
    } catch (err) {
      this.status = 'disconnected';
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}
