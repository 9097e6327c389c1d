/** The live view of an apply or update: one row per master (step, bar, rate, ETA), fitted to the terminal. */
import { Box, Text } from 'ink';
import { fmtDuration } from '../render/progress-lines.js';
import { cut, nameWidthFor, rowSegments, type Segment } from './progress-row.js';
import type { ViewState } from './progress-state.js';

export interface ProgressViewProps {
  state: ViewState;
  /** Terminal width: no line is longer. */
  columns?: number;
  /** Colours and styles; false with NO_COLOR / --no-color. */
  color?: boolean;
  /** Spinner frame. */
  tick?: number;
  /** Set on the final frame: the whole run's time. */
  elapsedMs?: number;
}

export function ProgressView({ state, columns = 80, color = true, tick = 0, elapsedMs }: ProgressViewProps) {
  const nameWidth = nameWidthFor(state.rows, columns);
  return (
    <Box flexDirection="column" width={columns}>
      {state.rows.map((row) => (
        <Box key={row.master} flexDirection="column">
          <Line segments={rowSegments(row, { columns, nameWidth, tick })} color={color} />
          {row.notes.map((n, i) => (
            <Line key={i} segments={[{ text: cut(`  ${n}`, columns), tone: 'dim' }]} color={color} />
          ))}
        </Box>
      ))}
      {state.notes.map((n, i) => (
        <Line key={i} segments={[{ text: cut(n, columns), tone: 'dim' }]} color={color} />
      ))}
      {state.stopping !== null ? <Line segments={[{ text: cut(state.stopping, columns), tone: 'bold' }]} color={color} /> : null}
      {elapsedMs !== undefined ? <Line segments={[{ text: cut(`Total time: ${fmtDuration(elapsedMs)}`, columns), tone: 'bold' }]} color={color} /> : null}
    </Box>
  );
}

function Line({ segments, color }: { segments: Segment[]; color: boolean }) {
  return (
    <Text wrap="truncate-end">
      {segments.map((s, i) => (
        <Styled key={i} segment={s} color={color} />
      ))}
    </Text>
  );
}

function Styled({ segment, color }: { segment: Segment; color: boolean }) {
  if (!color || segment.tone === 'plain') return <Text>{segment.text}</Text>;
  switch (segment.tone) {
    case 'green':
    case 'red':
    case 'cyan':
      return <Text color={segment.tone}>{segment.text}</Text>;
    case 'dim':
      return <Text dimColor>{segment.text}</Text>;
    case 'bold':
      return <Text bold>{segment.text}</Text>;
    default:
      return <Text>{segment.text}</Text>;
  }
}
