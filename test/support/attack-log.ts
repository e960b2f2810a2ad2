import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The figures of the security suites' attacks, one JSON file per class of attack under
 * `test-results/security/attacks/`: how many requests of each kind were sent and what they got.
 * docs/reliability.md ("Attacks from outside") gives the figures of the last run.
 */
export const ATTACKS_DIR = path.resolve(__dirname, '..', '..', 'test-results', 'security', 'attacks');

export function recordAttacks(name: string, figures: Record<string, unknown>): void {
  fs.mkdirSync(ATTACKS_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(ATTACKS_DIR, `${name}.json`),
    `${JSON.stringify({ class: name, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}

/** Counts answers by status: `{ "422": 12, "403": 3 }`. */
export class Tally {
  readonly byStatus: Record<string, number> = {};
  requests = 0;

  add(status: number): void {
    this.requests++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }
}
