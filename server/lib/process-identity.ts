// Whether a process named by another one (a job runner's row, a proof-of-acceptance file) still runs on
// this machine: the runner liveness (server/jobs/jobs.liveness.ts) and the mail journal
// (modules/mail/mail.accepted.ts) both judge "gone" this way, so it lives below both.
import fs from 'node:fs';

/** Linux: boot id + pid namespace. Same key: /proc shows the same processes. Elsewhere: no fast path. */
export function hostKey(): string | null {
  try {
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${fs.readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return null;
  }
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat); null: no such process. */
export function processStarted(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
