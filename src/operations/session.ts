/**
 * A session is what one esm invocation works with: the resolved config, the
 * manifests, the cluster connection, the history store, git info and the event
 * sink. Everything is opened lazily, so read-only commands never create a state
 * file and `esm validate` never connects.
 */
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Cluster } from '../cluster/index.js';
import type { EsmConfig } from '../config/types.js';
import { InvalidInputError, StateError } from '../errors.js';
import type { GitInfo } from '../git/info.js';
import type { HistoryStore } from '../history/index.js';
import type { ActionDetail, ActionName, HistoryView } from '../history/types.js';
import type { Manifest, ManifestSet } from '../manifest/types.js';
import type { ResolvedCompanion } from '../companions/resolve.js';
import type { SynonymsSupport } from '../companions/types.js';
import { silent, type Emit } from '../apply/events.js';
import { redactArgv } from '../redact.js';
import { CHECKPOINT_EVERY_MS } from './fill-checkpoints.js';
import { aliasName, instanceName } from './names.js';
import type { ReconcileOptions } from './reconcile.js';

export interface SessionOptions {
  /** The command line as typed, stored with each action (secrets redacted). */
  argv?: string[];
  emit?: Emit;
  signal?: AbortSignal;
  now?: () => Date;
  planId?: string | null;
  /** Open the state file read-only (plan, list, history): never created, never written. */
  readOnly?: boolean;
  /** How often a fill records its checkpoint (default CHECKPOINT_EVERY_MS). */
  checkpointEveryMs?: number;
  /** Cluster retry policy override (tests). */
  retry?: { tries?: number; baseMs?: number; maxMs?: number; deadlineMs?: number };
}

/** What an action is about, as `record` and `queue` take it. */
export interface ActionTarget {
  action: ActionName;
  master?: string | null;
  instance?: string | null;
  /** What a later run needs to tell from the cluster whether it took effect. */
  detail?: ActionDetail;
  /** The time the work counts from, when it is not now (a fill: the time its catch-up sends the changes since). */
  startedAt?: string;
}

/** The action `record` runs, as its function sees it. */
export interface RunningAction {
  readonly id: number;
  /**
   * How the outcome was learnt when the call's answer did not say (it was lost and the
   * cluster was read instead): kept with the action (`esm history` shows it).
   */
  note(text: string): void;
  /** Saves what a later run needs to check this action in the cluster, now (before the call it covers). */
  detail(d: ActionDetail): void;
}

/** The state, read-only: its masters and instances, and their hash. */
export interface StateView {
  view(): HistoryView;
  stateHash(view: Pick<HistoryView, 'masters' | 'instances'>): string;
}

export class Session {
  /** Reports progress to whatever sink is bound now (see bindEmit). */
  readonly emit: Emit = (e) => this.sink(e);
  private sink: Emit;
  readonly now: () => Date;
  readonly argv: string[];
  readonly actor: string;
  planId: string | null;
  private _cluster?: Cluster;
  private readonly queued = new Map<string, number[]>();
  private _store?: Promise<HistoryStore>;
  private _set?: Promise<ManifestSet>;
  private _resolved?: Promise<Resolved>;
  private _git?: Promise<GitInfo | null>;
  private _reconciled?: Promise<void>;
  private recorded = 0;

  constructor(
    readonly config: EsmConfig,
    readonly opts: SessionOptions = {},
  ) {
    this.sink = opts.emit ?? silent;
    this.now = opts.now ?? (() => new Date());
    this.argv = redactArgv(opts.argv ?? []);
    this.planId = opts.planId ?? null;
    this.actor = actorName();
  }

  /**
   * Routes progress to another sink: apply shows its plan and asks first, and only
   * then starts the live display.
   */
  bindEmit(emit: Emit): void {
    this.sink = emit;
  }

  get prefix(): string {
    return this.config.prefix;
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** How often a fill records where it stands (SPEC §13). */
  get checkpointEveryMs(): number {
    const ms = this.opts.checkpointEveryMs;
    return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : CHECKPOINT_EVERY_MS;
  }

  alias(master: string): string {
    return aliasName(this.prefix, master);
  }

  instance(master: string, n: number): string {
    return instanceName(this.prefix, master, n);
  }

  async cluster(): Promise<Cluster> {
    if (!this._cluster) {
      const { connect } = await import('../cluster/index.js');
      this._cluster = connect(this.config, this.opts.retry ? { retry: this.opts.retry } : {});
    }
    return this._cluster;
  }

  store(): Promise<HistoryStore> {
    this._store ??= import('../history/index.js').then(({ HistoryStore }) =>
      HistoryStore.open(this.config.statePath, { readOnly: this.opts.readOnly ?? false, now: this.now }),
    );
    return this._store;
  }

  /**
   * What the state file records, for reading only (plan, list). A read-only session
   * with no state file reads an empty view without starting sql.js.
   */
  stateView(): Promise<StateView> {
    if (this.opts.readOnly && !this._store && !existsSync(this.config.statePath)) {
      return import('../history/state-hash.js').then(({ emptyHistoryView, stateHashOf }) => ({ view: emptyHistoryView, stateHash: stateHashOf }));
    }
    return this.store().then((st) => ({ view: () => st.view(), stateHash: (v) => st.stateHash(v) }));
  }

  /** Every manifest as declared: index masters and companion objects (SPEC §12), not yet resolved for the environment. */
  manifestSet(): Promise<ManifestSet> {
    this._set ??= import('../manifest/index.js').then(({ loadManifestSet }) =>
      loadManifestSet(this.config.manifestsDir, { cwd: this.config.cwd, prefix: this.config.prefix, fieldTypes: { engine: this.config.engine } }),
    );
    return this._set;
  }

  /**
   * The manifests as this environment of this cluster takes them (companions/resolve.ts):
   * companion names prefixed and references rewritten, synonym sets inlined where the
   * cluster has no synonyms API (asked only when a manifest names a synonym set).
   */
  resolved(): Promise<Resolved> {
    this._resolved ??= (async () => {
      const [set, { environmentOf, namesSynonymSets, resolveCompanion, resolveMaster }] = await Promise.all([this.manifestSet(), import('../companions/resolve.js')]);
      const wantsSynonyms = set.companions.some((c) => c.kind === 'SynonymSet') || namesSynonymSets(set.masters, set.companions);
      const synonyms = wantsSynonyms ? await this.synonymsSupport() : null;
      const env = environmentOf(this.prefix, set.companions, synonyms);
      return { masters: set.masters.map((m) => resolveMaster(m, env)), companions: set.companions.map((c) => resolveCompanion(c, env)), synonyms };
    })();
    return this._resolved;
  }

  /** How synonym sets reach this cluster: its synonyms API, or inlined into the masters' analysis. */
  async synonymsSupport(): Promise<SynonymsSupport> {
    const api = await (await this.cluster()).synonymsApi();
    return { path: api.available ? 'api' : 'inline', reason: api.reason };
  }

  /** The index masters, resolved for this environment (see `resolved`). */
  async manifests(): Promise<Manifest[]> {
    return (await this.resolved()).masters;
  }

  async manifest(name: string): Promise<Manifest> {
    const all = await this.manifests();
    const m = all.find((x) => x.name === name);
    if (!m) {
      throw new InvalidInputError(
        `unknown master "${name}"${all.length ? ` (known masters: ${all.map((x) => x.name).join(', ')})` : ` (no manifests in ${this.config.manifestsDir})`}`,
      );
    }
    return m;
  }

  git(): Promise<GitInfo | null> {
    this._git ??= import('../git/info.js').then(({ gitInfo }) => gitInfo(this.config.cwd));
    return this._git;
  }

  async commit(): Promise<string | null> {
    return (await this.git())?.commit ?? null;
  }

  /**
   * Runs `fn` as one index action in the journal: in_progress → complete | failed
   * (or aborted when the session's signal fired). The error is rethrown. `fn` gets
   * the action's id (a fill records its checkpoints on it) and the running action
   * (to note how its outcome was learnt). The first action of a run reconciles what
   * earlier runs left unsettled (reconcile.ts).
   */
  async record<T>(what: ActionTarget, fn: (actionId: number, action: RunningAction) => Promise<T>, docsOf: (result: T) => number | undefined = () => undefined): Promise<T> {
    await this.reconcile();
    const store = await this.store();
    const queuedId = this.queued.get(actionKey(what))?.shift();
    const id = queuedId ?? store.startAction(await this.newAction(what), what.startedAt);
    if (queuedId !== undefined) store.markInProgress(queuedId, what.startedAt, what.detail);
    this.recorded++;
    let note: string | undefined;
    const running: RunningAction = {
      id,
      note: (text) => void (note = note === undefined ? text : `${note}; ${text}`),
      detail: (d) => store.saveDetail(id, d),
    };
    try {
      const result = await fn(id, running);
      const docs = docsOf(result);
      store.finishAction(id, { status: 'complete', ...(docs !== undefined ? { docsAffected: docs } : {}), ...(note !== undefined ? { note } : {}) });
      return result;
    } catch (e) {
      const aborted = this.signal?.aborted ?? false;
      const partial = (e as { docsAffected?: number }).docsAffected;
      store.finishAction(id, {
        status: aborted ? 'aborted' : 'failed',
        error: (e as Error).message,
        ...(partial !== undefined ? { docsAffected: partial } : {}),
        ...(note !== undefined ? { note } : {}),
      });
      throw e;
    }
  }

  /**
   * Records actions that will run later in this session (every step of a plan,
   * up front): `queued` until `record` runs them. A run killed before reaching
   * them leaves them visible; the next run marks them `abandoned`.
   */
  async queue(actions: ReadonlyArray<{ action: ActionName; master: string | null; instance: string; detail?: ActionDetail }>): Promise<void> {
    if (actions.length === 0) return;
    await this.reconcile();
    const store = await this.store();
    for (const what of actions) {
      const id = store.queueAction(await this.newAction(what));
      this.recorded++;
      const key = actionKey(what);
      this.queued.set(key, [...(this.queued.get(key) ?? []), id]);
    }
  }

  /** Actions this session has recorded or queued so far: none means a failure now happened before the first action. */
  get actionsRecorded(): number {
    return this.recorded;
  }

  /**
   * Reconciles the journal with the cluster, once per session (reconcile.ts): at the
   * first action, or earlier with what the apply lock told (a run whose lock was taken
   * over is gone). A failure to read the cluster here stops nothing: the run's own
   * requests say what is wrong with it, and the next run compares again.
   */
  reconcile(opts: ReconcileOptions = {}): Promise<void> {
    this._reconciled ??= import('./reconcile.js')
      .then(({ reconcileJournal }) => reconcileJournal(this, opts))
      .then(
        () => undefined,
        (e: unknown) => {
          if (e instanceof StateError) throw e;
        },
      );
    return this._reconciled;
  }

  /**
   * Queued actions that will not run (an earlier step failed, the run was
   * stopped): `aborted`, saying why. `only`: that one action; else all that remain.
   */
  async abandonQueued(why: string, only?: { action: ActionName; instance: string }, status: 'aborted' | 'failed' = 'aborted'): Promise<void> {
    if (this.queued.size === 0) return;
    const store = await this.store();
    const ids = only ? [this.queued.get(actionKey(only))?.shift()].filter((id) => id !== undefined) : [...this.queued.values()].flat();
    for (const id of ids) store.finishAction(id, { status, error: why });
    if (!only) this.queued.clear();
  }

  private async newAction(what: { action: ActionName; master?: string | null; instance?: string | null; detail?: ActionDetail }) {
    return {
      action: what.action,
      master: what.master ?? null,
      instance: what.instance ?? null,
      ...(what.detail ? { detail: what.detail } : {}),
      argv: this.argv,
      commit: await this.commit(),
      actor: this.actor,
      planId: this.planId,
    };
  }

  async close(): Promise<void> {
    await this._cluster?.close();
  }
}

export interface Resolved {
  masters: Manifest[];
  companions: ResolvedCompanion[];
  /** How synonym sets reach the cluster; null when no manifest declares or names one. */
  synonyms: SynonymsSupport | null;
}

function actionKey(what: { action: ActionName; instance?: string | null }): string {
  return `${what.action} ${what.instance ?? ''}`;
}

function actorName(): string {
  let user = process.env.USER ?? process.env.LOGNAME;
  try {
    user ??= userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return `${user ?? 'unknown'}@${hostname()}`;
}
