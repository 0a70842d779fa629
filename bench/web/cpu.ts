/**
 * A server process's CPU time, all its threads, as the kernel counts it (`/proc/<pid>/stat`,
 * user + system). Throughput on a shared two-core machine moves with whatever else runs (the
 * driver and the provider take cores too); the CPU a server spends per request is its own cost,
 * and the steadier number to set contenders side by side with.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of `/proc` times (`getconf CLK_TCK`, 100 on Linux). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

/** CPU seconds `pid` has used so far (exited threads included), or NaN where /proc has none. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}
