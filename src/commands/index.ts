/** Every command class, registered by cli.ts. Command modules load only clipanion eagerly. */
import type { CommandClass } from 'clipanion';
import type { EsmContext } from './base.js';

export const COMMANDS: CommandClass<EsmContext>[] = [];
