import type { ApiClient } from '../../../../core/api/client';
import type { CandidateView } from '../../../../core/api/loop';
import { messageOf } from '../errors';

export type Verdict = 'pass' | 'fail' | 'unsure';

/**
 * The labelling queue: the iteration's disputed samples, a cursor, and labels written at once. Undo appends an event
 * that restores the previous verdict (the history is append-only). Keys are handled by `handleKey`, which the panel
 * calls for key presses outside editors and text fields.
 */
export class QueueState {
  items = $state.raw<CandidateView[]>([]);
  cursor = $state(0);
  /** Current verdict per candidate, as the store now holds it. */
  labels = $state.raw<Record<number, Verdict | null>>({});
  labelled = $state(0);
  total = $state(0);
  saving = $state(false);
  /** What the last write did, for the "saved" indicator. */
  saved = $state<string | null>(null);
  noteOpen = $state(false);
  note = $state('');
  helpOpen = $state(false);
  error = $state<string | null>(null);
  iteration = $state<number | null>(null);
  /** Candidates labelled in this session, newest last: what Ctrl/Cmd+Z walks back. */
  private history: number[] = [];
  private run: string | null = null;
  // Listeners, not state: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly changed = new Set<(candidateId: number) => void>();

  constructor(private readonly client: ApiClient) {}

  readonly current = $derived(this.items[this.cursor] ?? null);

  /** Calls `listener` after every label or undo, so other views showing the candidate refresh. */
  onChange(listener: (candidateId: number) => void): () => void {
    this.changed.add(listener);
    return () => this.changed.delete(listener);
  }

  private ticket = 0;

  async show(run: string, iteration: number): Promise<void> {
    this.run = run;
    this.iteration = iteration;
    // A slower answer for the iteration shown before must not replace this one's items under its header.
    const ticket = ++this.ticket;
    try {
      const items = await this.client.call('mined.list', { run, iteration, kind: 'disputed', limit: 10_000 });
      if (ticket !== this.ticket) return;
      this.items = items;
      this.labels = Object.fromEntries(items.map((c) => [c.candidateId, c.label ?? null]));
      this.cursor = Math.min(this.cursor, Math.max(0, items.length - 1));
      await this.loadProgress();
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  private async loadProgress(): Promise<void> {
    if (this.run === null || this.iteration === null) return;
    const progress = await this.client.call('labels.progress', { run: this.run, iteration: this.iteration });
    this.labelled = progress.labelled;
    this.total = progress.total;
  }

  move(by: number): void {
    if (this.items.length === 0) return;
    this.cursor = Math.max(0, Math.min(this.items.length - 1, this.cursor + by));
  }

  async label(verdict: Verdict, note = ''): Promise<void> {
    const item = this.current;
    if (!item) return;
    await this.write(item.candidateId, async () => {
      const label = await this.client.call('labels.put', { candidateId: item.candidateId, verdict, note });
      this.history.push(item.candidateId);
      return label.verdict;
    });
  }

  async undo(): Promise<void> {
    const candidateId = this.history.pop();
    if (candidateId === undefined) {
      this.saved = 'nothing to undo';
      return;
    }
    await this.write(candidateId, async () => (await this.client.call('labels.undo', { candidateId })).current);
    const at = this.items.findIndex((c) => c.candidateId === candidateId);
    if (at >= 0) this.cursor = at;
  }

  private async write(candidateId: number, action: () => Promise<Verdict | null>): Promise<void> {
    this.saving = true;
    try {
      const verdict = await action();
      this.labels = { ...this.labels, [candidateId]: verdict };
      this.saved = verdict === null ? `label removed from #${candidateId} · saved` : `${verdict} on #${candidateId} · saved`;
      this.error = null;
      await this.loadProgress();
      this.changed.forEach((listener) => listener(candidateId));
    } catch (err) {
      this.error = messageOf(err);
      this.saved = null;
    } finally {
      this.saving = false;
    }
  }

  async saveNote(): Promise<void> {
    const verdict = (this.current && this.labels[this.current.candidateId]) || 'unsure';
    const saving = this.label(verdict, this.note);
    this.noteOpen = false;
    this.note = '';
    this.move(1);
    await saving;
  }

  /** True when the key was the queue's. */
  handleKey(event: KeyboardEvent): boolean {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
      void this.undo();
      return true;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        this.move(1);
        return true;
      case 'k':
      case 'ArrowUp':
        this.move(-1);
        return true;
      case 'p':
        void this.label('pass');
        this.move(1);
        return true;
      case 'f':
        void this.label('fail');
        this.move(1);
        return true;
      case 'u':
        void this.label('unsure');
        this.move(1);
        return true;
      case 'n':
        this.noteOpen = true;
        return true;
      case '?':
        this.helpOpen = !this.helpOpen;
        return true;
      case 'Escape':
        this.helpOpen = false;
        return true;
      default:
        return false;
    }
  }
}
