/** Every command class, registered by cli.ts. Command modules load only clipanion eagerly. */
import type { CommandClass } from 'clipanion';
import type { EsmContext } from './base.js';
import { CreateCommand } from './create.js';
import { ValidateCommand } from './validate.js';
import { ListCommand } from './list.js';
import { HistoryCommand } from './history.js';
import { ActivateCommand } from './activate.js';
import { RollbackCommand } from './rollback.js';
import { DropCommand } from './drop.js';
import { ClearCommand } from './clear.js';
import { StateRebuildCommand } from './state-rebuild.js';
import { UpdateCommand } from './update.js';
import { PlanCommand } from './plan.js';
import { ApplyCommand } from './apply.js';
import { ResetCommand } from './reset.js';
import { LockReleaseCommand } from './lock-release.js';
import { ImportCommand } from './import.js';
import { HelpCommand, VersionCommand } from './help.js';

export const COMMANDS: CommandClass<EsmContext>[] = [CreateCommand, ValidateCommand, ListCommand, HistoryCommand, ActivateCommand, RollbackCommand, DropCommand, ClearCommand, StateRebuildCommand, UpdateCommand, PlanCommand, ApplyCommand, ResetCommand, LockReleaseCommand, ImportCommand, HelpCommand, VersionCommand];
