/**
 * Whether a full fill resumes a stopped fill of the same instance (SPEC §13), pure:
 * from the history's last checkpoint of it, whether the source can resume at all
 * (sources/resume.ts), and whether the checkpoint is one of this source.
 */
import { groupDigits } from '../digits.js';
import type { Manifest, SourceSpec } from '../manifest/types.js';
import { asPosition, type SourcePosition } from '../sources/position.js';
import { resumeSupport, type ResumeFacts } from '../sources/resume.js';
import type { PlanUnfinishedFill } from './inputs.js';
import type { FillResume, Step } from './types.js';

/** The resume of `step` (absent: from zero) and a reason saying which (null: no fill of the instance stopped). */
export function resumeOf(
  manifest: Pick<Manifest, 'spec'>,
  step: Extract<Step, { op: 'fill' }>,
  stopped: PlanUnfinishedFill | undefined,
  facts: ResumeFacts,
): { resume?: FillResume; note: string | null } {
  if (!stopped) return { note: null };
  const was = `a fill of ${step.index} stopped at ${countOf(stopped.docs, stopped.total)} documents (${stopped.status}, last checkpoint ${stopped.at})`;
  const position = asPosition(stopped.position);
  const support = resumeSupport(manifest, facts);
  const mismatch = position === null ? 'its checkpoint cannot be read' : !support.ok ? support.why : positionMismatch(position, step, manifest.spec.source!);
  if (mismatch !== null || position === null) return { note: `${was}; it cannot resume (${mismatch}), so the fill starts from zero` };
  return { resume: { docs: stopped.docs, total: stopped.total, startedAt: stopped.startedAt, position }, note: `${was}; the fill resumes from there` };
}

/** Why a checkpoint is not one this fill can resume from, or null. */
function positionMismatch(p: SourcePosition, step: Extract<Step, { op: 'fill' }>, source: SourceSpec): string | null {
  const wanted: SourcePosition['kind'] = source.type === 'reindex' ? 'task' : source.type === 'ndjson' ? 'ndjson' : 'key';
  if (p.kind !== wanted) return `its checkpoint is one of another kind of source (${p.kind}) than the ${source.type} source the master has now`;
  if (p.kind === 'task' && p.from !== step.from) return `its reindex task copied from ${p.from}, and this fill copies from ${step.from}`;
  return null;
}

/** `30,000 of 200,000`, or `30,000` when the total is unknown. */
function countOf(docs: number, total: number | null): string {
  return total === null ? groupDigits(docs) : `${groupDigits(docs)} of ${groupDigits(total)}`;
}
