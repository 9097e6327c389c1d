import { Command, Option } from 'clipanion';
import type { Problem } from '../errors.js';
import { EsmCommand } from './base.js';

export class ValidateCommand extends EsmCommand {
  static override paths = [['validate']];
  static override usage = Command.Usage({
    category: 'Read-only',
    description: 'check the manifests and the config without touching the cluster',
    details: `
      Loads \`esm.config.yaml\` (when present) and every manifest under the manifests directory, checks
      them against the JSON Schemas in \`schemas/\` and runs the semantic checks (names, duplicate
      masters, references between masters, and every reference to a companion object — a pipeline,
      synonym set, stored script or component template — naming one that is declared, with no cycle), then checks that every source can be read: an ndjson
      \`path\` (or glob) names files that exist, a sqlite file opens and its \`query\` prepares, a module
      file exists (it is not run). Field types are checked against each engine's list: a type no engine
      has that is close to one (\`dubble\`) is a problem, and so is a type the configured engine
      (\`--engine\`, \`engine:\`) lacks; a type some engines lack (\`flattened\`: Elasticsearch only) is a
      warning naming them. A type close to none (a plugin's?) is left to \`esm plan\`, which asks the engine.
      Never connects to the cluster and never reads the state file.

      Prints \`N manifests OK\` (warnings on stderr), or every problem as \`file:line:col: message\` and exits 3.
      With \`--json\`: \`{ "valid", "manifests": [master names], "companions": ["Kind/name"], "problems": [{ file, line,
      col, message }], "warnings": [same] }\`,
      on stdout also when the manifests are invalid (the exit code is still 3), with \`error\` then, as every
      command's failure has it: \`{ "code", "exitCode", "message", "file", "line", "column" }\`.
    `,
    examples: [
      ['Check the project in the current directory', 'esm validate'],
      ['Check another manifests directory', 'esm validate --manifests deploy/manifests'],
      ['Machine-readable result for CI', 'esm validate --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  async execute(): Promise<number> {
    const { InvalidInputError } = await import('../errors.js');
    let names: string[] = [];
    let companions: string[] = [];
    let failure: InstanceType<typeof InvalidInputError> | null = null;
    const warnings: Problem[] = [];
    try {
      const config = await this.config();
      const { validateProject } = await import('../operations/validate.js');
      const set = await validateProject(config, (w) => warnings.push(w));
      names = set.masters.map((m) => m.name);
      companions = set.companions.map((c) => `${c.kind}/${c.name}`);
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      failure = e;
    }
    if (this.json) {
      const problems = failure ? (failure.problems.length ? failure.problems : [{ message: failure.message }]) : [];
      const { errorJson, failureOf } = await import('../render/error-json.js');
      this.printJson({
        valid: failure === null,
        manifests: names,
        companions,
        problems: problems.map((p) => ({ file: p.file ?? null, line: p.line ?? null, col: p.col ?? null, message: p.message })),
        warnings: warnings.map((p) => ({ file: p.file ?? null, line: p.line ?? null, col: p.col ?? null, message: p.message })),
        ...(failure ? errorJson(failureOf(failure)) : {}),
      });
    }
    if (warnings.length && !this.json) {
      const { formatProblem } = await import('../errors.js');
      for (const w of warnings) this.note(`warning: ${formatProblem(w)}`);
    }
    if (failure) {
      // JSON mode: the document is on stdout; stderr still gets one line.
      if (this.json) throw new InvalidInputError(failure.message.split('\n')[0]!);
      throw failure;
    }
    const n = names.length + companions.length;
    if (!this.json) this.print(`${n} manifest${n === 1 ? '' : 's'} OK${companions.length ? ` (${names.length} index master${names.length === 1 ? '' : 's'}, ${companions.length} companion object${companions.length === 1 ? '' : 's'})` : ''}`);
    return 0;
  }
}
