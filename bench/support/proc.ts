import * as fs from 'node:fs';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Memory of a process as Linux accounts it: resident set now (VmRSS) and its peak (VmHWM), in KiB. */
export interface ProcMemory {
  rssKb: number;
  hwmKb: number;
}

export function procMemory(pid: number): ProcMemory | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Direct children of `parent` whose executable path is `exe` (the Temporal server the SDK spawned). */
export function childPidsRunning(parent: number, exe: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is parenthesised and may hold spaces: the parent pid follows the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      if (fs.realpathSync(`/proc/${entry}/exe`) === fs.realpathSync(exe)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export interface MemorySample {
  atMs: number;
  [name: string]: number;
}

/** A named process, or a group of them (the workers of a sharded fleet) counted together. */
export type Processes = Record<string, number | number[]>;

const pidsOf = (group: number | number[]) => (Array.isArray(group) ? group : [group]);

export interface MemoryPeak {
  /** The most the process (or the group together) held at one poll. */
  polledMaxRssKb: number;
  /** The largest high-water mark (the kernel's, which no poll can miss) of a single member. */
  largestMemberPeakKb: number;
}

/** Polls the resident memory of named processes until stopped: a timeline and each one's peak. */
export class MemoryPoller {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();

  constructor(
    private readonly pids: Processes,
    private readonly everyMs = 1000,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  private sample(): void {
    const sample: MemorySample = { atMs: Date.now() - this.started };
    for (const [name, group] of Object.entries(this.pids))
      sample[name] = pidsOf(group).reduce((sum, pid) => sum + (procMemory(pid)?.rssKb ?? NaN), 0);
    this.samples.push(sample);
  }

  stop(): Record<string, MemoryPeak> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, group]) => {
        const peaks = pidsOf(group).map((pid) => procMemory(pid)?.hwmKb ?? NaN);
        return [
          name,
          {
            polledMaxRssKb: Math.max(...this.samples.map((s) => s[name] ?? 0)),
            largestMemberPeakKb: Math.max(...peaks),
          },
        ];
      }),
    );
  }
}

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, with that of
 * its children that have exited (PostgreSQL's backends come and go under its postmaster).
 */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime and cstime are fields 14 to 17 of stat, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU used by each named process (or group, summed) between `start()` and `stop()`, in milliseconds. */
export class CpuMeter {
  private readonly before: Record<string, number>;

  constructor(private readonly pids: Processes) {
    this.before = this.read();
  }

  private read(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, group]) => [
        name,
        // In a group, a process gone meanwhile counts nothing: its time is its parent's children's.
        Array.isArray(group) ? group.reduce((sum, pid) => sum + (cpuMs(pid) || 0), 0) : cpuMs(group),
      ]),
    );
  }

  stop(): Record<string, number> {
    const after = this.read();
    return Object.fromEntries(
      Object.keys(this.pids).map((name) => [name, after[name]! - this.before[name]!]),
    );
  }
}

let gc: (() => void) | undefined;

/** Two full collections of this process's heap (garbage a first one frees can hold more). */
export function collectGarbage(): void {
  // Fetched once: a new context per call would itself be garbage in the heap being measured.
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}
