/**
 * The application layer: one function per thing a person does, called by
 * every door (the `cycle` command, the web app, the simulator). Each takes
 * an actor (who acts, and through which door) and returns a typed result or
 * throws an AppError with a stable code. Authorisation stays in the
 * workflow: the actor travels in every update and the cycle's role checks
 * decide. The doors only authenticate (the web) or trust an operator (`--as`).
 */
import type { Client } from '@temporalio/client';
import type { EvidenceStore, LedgerStore, ReportIndex, Store } from '../store/types';

export interface Actor {
  personId: string;
  via: 'cli' | 'web' | 'api' | 'simulation';
}

export interface AppContext {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** Where evidence bytes go: the store (any door, any machine reads the same file); absent where nobody uploads (simulations). */
  evidence?: EvidenceStore;
  /** Appraisal reports the worker wrote, when the store is there. */
  reports?: ReportIndex;
  /** The sent-mail ledger, for mail the app itself sends (the circular): never twice for the same thing. */
  ledger?: LedgerStore;
  /** Wall clock, for what the app stamps itself (never the cycle's plan clock). */
  now?: () => number;
}

/** A cycle is named by its unit and plan year. */
export interface CycleRef {
  unitId: string;
  year: number;
  /** A cycle under another id than the unit's and year's (simulations, what-ifs). */
  workflowId?: string;
}

/** The context a deployment's doors use: its Temporal client, namespace and task queue, and the store's parts. */
export function appContext(client: Client, config: { temporal: { namespace: string }; taskQueue: string }, store: Pick<Store, 'evidence' | 'reports' | 'ledger'>): AppContext {
  return { client, namespace: config.temporal.namespace, taskQueue: config.taskQueue, evidence: store.evidence, reports: store.reports, ledger: store.ledger };
}
