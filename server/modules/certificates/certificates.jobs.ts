// The certificates sweep, run by the job runner on its schedule (server/jobs): certificates (and their
// mails) for the cycles that have ended since the last sweep.
import type { Task } from 'graphile-worker';
import type { CertificatesService } from './certificates.service.ts';

/** graphile-worker task identifier (and job key) of the sweep. */
export const CERTIFICATES_TASK = 'certificates-issue';

export function certificatesTask(certificates: CertificatesService): Task {
  return async (_payload, helpers) => {
    const r = await certificates.issueForEndedCycles();
    if (r.issued > 0) helpers.logger.info(`certificates: ${r.issued} issued`);
  };
}
