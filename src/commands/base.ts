/** What every esm command shares: the context, the connection/config options, output helpers. */
import { Command, Option, type BaseContext } from 'clipanion';
import type { EsmConfig } from '../config/types.js';

export interface EsmContext extends BaseContext {
  cwd: string;
  /** True when stdout/stderr is an interactive terminal (decided once, in cli.ts). */
  isTTY: boolean;
  /** Colours allowed: see colorWanted in cli.ts, then --color / --no-color. */
  color: boolean;
  /** Full argv as typed, for the action journal (secrets are redacted before storing). */
  argv: string[];
}

export abstract class EsmCommand extends Command<EsmContext> {
  url = Option.String('--url', { description: 'Cluster URL (env ESM_URL, ELASTICSEARCH_URL; default http://127.0.0.1:9200)' });
  prefix = Option.String('--prefix', { description: 'Environment prefix for every alias and index, e.g. qa1_ (env ESM_PREFIX)' });
  state = Option.String('--state', { description: 'State file (env ESM_STATE; default .esm/state.sqlite)' });
  manifests = Option.String('--manifests', { description: 'Manifests directory (env ESM_MANIFESTS; default manifests)' });
  colors = Option.Boolean('--color', { description: 'ANSI colours even without a terminal; --no-color: never (NO_COLOR and FORCE_COLOR are honoured too)' });
  engine = Option.String('--engine', { description: 'auto, elasticsearch or opensearch (env ESM_ENGINE; default auto: read from the cluster)' });
  timeout = Option.String('--timeout', { description: 'Timeout of one request to the cluster, e.g. 30s, 2m, 500ms (env ESM_TIMEOUT; default 30s)' });

  /** Set when execute() threw: cli.ts maps it to an exit code (clipanion would print it to stdout). */
  failure: unknown = undefined;

  /**
   * The command printed its one JSON document (or the `done` line of --events): cli.ts then
   * prints no error document of its own, so a command that prints its document and still
   * fails puts the error in it.
   */
  documentWritten = false;

  /** `--color` / `--no-color` decide over the terminal, NO_COLOR and FORCE_COLOR (cli.ts decided those). */
  override async validateAndExecute(): Promise<number> {
    if (this.colors !== undefined) this.context = { ...this.context, color: this.colors };
    return super.validateAndExecute();
  }

  override async catch(error: unknown): Promise<void> {
    this.failure = error;
  }

  async config(): Promise<EsmConfig> {
    const { resolveConfig } = await import('../config/resolve.js');
    return resolveConfig(
      { url: this.url, prefix: this.prefix, state: this.state, manifests: this.manifests, engine: this.engine, timeout: this.timeout },
      this.context.env,
      this.context.cwd,
    );
  }

  protected print(text: string): void {
    this.context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected printJson(value: unknown): void {
    this.context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    this.documentWritten = true;
  }

  /** What an activation says before it waits for its instance's shard copies (stderr). */
  protected waitNotes(given: string | undefined): (w: { index: string; want: string; now: string; warning: string | null }) => void {
    return (w) => {
      if (w.warning) this.note(`warning: ${w.warning}`);
      this.note(`waiting for ${w.index} to be ${w.want} before the alias moves (now ${w.now}; at most ${given ?? '30m'}, --wait-timeout)…`);
    };
  }

  /** Progress and notes: stderr, so that stdout holds only results. */
  protected note(text: string): void {
    this.context.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
