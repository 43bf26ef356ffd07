// The reactive studio store: one per app, fed by the client's event stream.
import type { StudioEvent } from '$api/events.js';
import type { ConnectionState, StudioClient } from '../client/types.js';
import { emptyState, reduceEvent, type StudioState } from './studio-state.js';

export class StudioStore {
  state: StudioState = $state.raw(emptyState());
  connection: ConnectionState = $state.raw({ kind: 'connecting', attempt: 0 });
  private readonly offs: Array<() => void> = [];

  constructor(readonly client: StudioClient) {
    this.offs.push(client.subscribe((e) => this.apply(e)));
    this.offs.push(
      client.onConnection((c) => {
        this.connection = c;
        if (c.kind !== 'open' && this.state.ready) this.state = { ...this.state, ready: false };
      }),
    );
  }

  apply(e: StudioEvent): void {
    this.state = reduceEvent(this.state, e);
  }

  dispose(): void {
    for (const off of this.offs) off();
  }
}
