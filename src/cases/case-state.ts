/**
 * The present state of an appeal, derived from its entry and its records (design: an entry
 * records what was known at registration; the present state is derived). Pure.
 */
import type { CaseStatus, Scope } from './appeal.models.js';

export interface StateEntry {
  scope: Scope;
  category: string | null;
  dueDate: string;
}

export interface StateEvent {
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface CaseState {
  scope: Scope;
  category: string | null;
  dueDate: string;
  extended: boolean;
  status: CaseStatus;
  closedAt: Date | null;
  outcome: string | null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function caseState(entry: StateEntry, events: readonly StateEvent[]): CaseState {
  const state: CaseState = {
    scope: entry.scope,
    category: entry.category,
    dueDate: entry.dueDate,
    extended: false,
    status: 'open',
    closedAt: null,
    outcome: null,
  };
  for (const event of events) {
    if (event.kind === 'triage') {
      const scope = str(event.payload.scope);
      if (scope === 'in' || scope === 'out' || scope === 'pending') state.scope = scope;
      state.category = str(event.payload.category);
    } else if (event.kind === 'extension') {
      const until = str(event.payload.until);
      if (until) {
        state.dueDate = until;
        state.extended = true;
      }
    } else if (event.kind === 'closure') {
      state.closedAt = event.createdAt;
      state.outcome = str(event.payload.outcome);
    }
  }
  // rules 4.10: an out-of-remit appeal is answered with advice on where to turn.
  if (state.closedAt) state.status = 'closed';
  else if (state.scope === 'out') state.status = 'redirected';
  return state;
}

/** Open, not closed, and its due date passed (in the calendar zone's "today"). */
export function isOverdue(state: CaseState, today: string): boolean {
  return state.status === 'open' && state.dueDate < today;
}
