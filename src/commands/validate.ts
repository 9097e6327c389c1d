import { Command, Option } from 'clipanion';
import { EsmCommand } from './base.js';

export class ValidateCommand extends EsmCommand {
  static override paths = [['validate']];
  static override usage = Command.Usage({
    category: 'Read-only',
    description: 'check the manifests and the config without touching the cluster',
    details: `
      Loads \`esm.config.yaml\` (when present) and every manifest under the manifests directory, checks
      them against the JSON Schemas in \`schemas/\` and runs the semantic checks (names, duplicate
      masters, references between masters), then checks that every source can be read: an ndjson
      \`path\` (or glob) names files that exist, a sqlite file opens and its \`query\` prepares, a module
      file exists (it is not run). Never connects to the cluster and never reads the state file.

      Prints \`N manifests OK\`, or every problem as \`file:line:col: message\` and exits 3.
      With \`--json\`: \`{ "valid", "manifests": [names], "problems": [{ file, line, col, message }] }\`,
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
    let failure: InstanceType<typeof InvalidInputError> | null = null;
    try {
      const config = await this.config();
      const { validateProject } = await import('../operations/validate.js');
      names = (await validateProject(config)).map((m) => m.name);
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
        problems: problems.map((p) => ({ file: p.file ?? null, line: p.line ?? null, col: p.col ?? null, message: p.message })),
        ...(failure ? errorJson(failureOf(failure)) : {}),
      });
    }
    if (failure) {
      // JSON mode: the document is on stdout; stderr still gets one line.
      if (this.json) throw new InvalidInputError(failure.message.split('\n')[0]!);
      throw failure;
    }
    if (!this.json) this.print(`${names.length} manifest${names.length === 1 ? '' : 's'} OK`);
    return 0;
  }
}
