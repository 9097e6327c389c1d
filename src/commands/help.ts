/** `esm help [command]` and `esm version`: the words people type before they try the flags. */
import { Command, Option } from 'clipanion';
import { InvalidInputError } from '../errors.js';
import { EsmCommand } from './base.js';
import { closestName } from './usage.js';

export class HelpCommand extends EsmCommand {
  static override paths = [['help']];
  static override usage = Command.Usage({
    description: 'show the list of commands, or the help of one (esm help plan)',
    examples: [
      ['Every command', 'esm help'],
      ['One command, with its options and examples', 'esm help apply'],
    ],
  });

  words = Option.Rest({ name: 'command' });

  async execute(): Promise<number> {
    if (this.words.length === 0) return this.cli.run(['--help']);
    const paths = this.cli.definitions().map((d) => d.path.replace(/^esm /, ''));
    const asked = this.words.join(' ');
    if (!paths.includes(asked)) {
      const near = closestName(asked, paths);
      throw new InvalidInputError(`no command "${asked}"${near ? `; did you mean \`${near}\`?` : ''} (esm help lists them)`);
    }
    return this.cli.run([...this.words, '--help']);
  }
}

export class VersionCommand extends EsmCommand {
  static override paths = [['version']];
  static override usage = Command.Usage({ description: "print esm's version (as esm --version does)" });

  async execute(): Promise<number> {
    this.context.stdout.write(`${this.cli.binaryVersion ?? ''}\n`);
    return 0;
  }
}
