/** The live view of an apply or update: one row per master with its step, bar, rate and ETA. */
import { Box, Text } from 'ink';
import { etaSeconds, rate } from '../apply/events.js';
import { fmtDuration, fmtInt } from '../render/progress-lines.js';
import type { MasterRow, ViewState } from './progress-state.js';

const BAR_WIDTH = 24;

export function ProgressView({ state }: { state: ViewState }) {
  const width = Math.max(8, ...state.rows.map((r) => r.master.length));
  return (
    <Box flexDirection="column">
      {state.rows.map((row) => (
        <Row key={row.master} row={row} width={width} />
      ))}
      {state.notes.map((n, i) => (
        <Text key={i} dimColor>
          {n}
        </Text>
      ))}
    </Box>
  );
}

function Row({ row, width }: { row: MasterRow; width: number }) {
  const mark = row.status === 'ok' ? <Text color="green">✓</Text> : row.status === 'failed' ? <Text color="red">✗</Text> : <Text color="cyan">•</Text>;
  const r = rate(row.done, row.elapsedMs);
  const eta = etaSeconds(row.done, row.total, row.elapsedMs);
  return (
    <Box flexDirection="column">
      <Box gap={1}>
        {mark}
        <Text bold>{row.master.padEnd(width)}</Text>
        {row.status === 'running' && row.current ? (
          <>
            <Text>{row.current}</Text>
            <Bar done={row.done} total={row.total} />
            <Text>
              {row.total !== undefined ? `${fmtInt(row.done)}/${fmtInt(row.total)}` : fmtInt(row.done)} docs
            </Text>
            {r > 0 ? <Text dimColor>{fmtInt(Math.round(r))} docs/s</Text> : null}
            {eta !== undefined ? <Text dimColor>ETA {fmtDuration(eta * 1000)}</Text> : null}
          </>
        ) : (
          <Text>
            {row.status === 'ok'
              ? `done: ${row.stepsDone} step${row.stepsDone === 1 ? '' : 's'}, ${fmtInt(row.docs)} docs`
              : row.status === 'failed'
                ? `failed: ${row.error ?? 'unknown error'}`
                : 'waiting'}
          </Text>
        )}
      </Box>
      {row.notes.map((n, i) => (
        <Text key={i} dimColor>
          {'  '}
          {n}
        </Text>
      ))}
    </Box>
  );
}

function Bar({ done, total }: { done: number; total: number | undefined }) {
  if (total === undefined || total === 0) return <Text dimColor>[{'·'.repeat(BAR_WIDTH)}]</Text>;
  const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total));
  return (
    <Text>
      [<Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'·'.repeat(BAR_WIDTH - filled)}</Text>]
    </Text>
  );
}
