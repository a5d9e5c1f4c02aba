/**
 * Ordered funnels: a person reaches step k when, after a first step inside [from, to), they
 * did steps 2..k in that order, each no earlier than the previous one, all within
 * `windowMs` of the first step. Each person counts once, at the deepest step any of their
 * attempts reached.
 */

export interface FunnelEvent {
  person: string;
  name: string;
  /** Epoch ms. Rows must come sorted by person, then time (ties in a stable order). */
  at: number;
}

export interface FunnelStepResult {
  name: string;
  users: number;
  /** Share of the first step's users that reached this step (1 for the first step). */
  conversion: number | null;
  /** Share of the previous step's users that reached this step. */
  step_conversion: number | null;
}

export function computeFunnel(
  rows: Iterable<FunnelEvent>,
  steps: string[],
  windowMs: number,
  from: number,
  to: number,
): FunnelStepResult[] {
  const reached = new Array<number>(steps.length).fill(0);
  let person: string | undefined;
  let events: FunnelEvent[] = [];
  const flush = () => {
    const depth = deepest(events, steps, windowMs, from, to);
    for (let i = 0; i < depth; i++) reached[i]++;
    events = [];
  };
  for (const row of rows) {
    if (row.person !== person) {
      if (person !== undefined) flush();
      person = row.person;
    }
    events.push(row);
  }
  if (person !== undefined) flush();
  return steps.map((name, i) => ({
    name,
    users: reached[i],
    conversion: ratio(reached[i], reached[0]),
    step_conversion: i === 0 ? ratio(reached[0], reached[0]) : ratio(reached[i], reached[i - 1]),
  }));
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 10000) / 10000;
}

/** How many steps (0..n) one person completed in order, over all their first-step attempts. */
export function deepest(
  events: FunnelEvent[],
  steps: string[],
  windowMs: number,
  from: number,
  to: number,
): number {
  let best = 0;
  for (let s = 0; s < events.length && best < steps.length; s++) {
    const start = events[s];
    if (start.name !== steps[0] || start.at < from || start.at >= to) continue;
    let k = 1;
    // Earliest-match is optimal for an ordered subsequence; each event fills at most one step.
    for (let j = s + 1; j < events.length && k < steps.length; j++) {
      const e = events[j];
      if (e.at > start.at + windowMs) break;
      if (e.name === steps[k]) k++;
    }
    if (k > best) best = k;
  }
  return best;
}
