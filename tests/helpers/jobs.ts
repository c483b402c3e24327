// The one way tests (and benchmarks) start the job runner: server/jobs/jobs.runner.ts against a test
// database, with every task and schedule of the server unless `tasks` narrows them, and test-friendly
// defaults (4 jobs at once, retries and scheduled jobs picked up within 100 ms).
import type { Config } from '../../server/config.ts';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from '../../server/jobs/jobs.runner.ts';

export type { JobRunner };

export async function startTestRunner(
  config: Config,
  databaseUrl: string,
  opts: Pick<JobRunnerOptions, 'concurrency' | 'pollInterval' | 'transport' | 'clock' | 'tasks' | 'liveness'> & {
    /** Collects the runner's error lines. */
    errors?: string[];
  } = {},
): Promise<JobRunner> {
  const { errors, ...rest } = opts;
  return startJobRunner({
    config,
    databaseUrl,
    secretKey: config.secretKey!,
    concurrency: 4,
    // New jobs arrive through LISTEN at once; this is for retries and scheduled ones.
    pollInterval: 100,
    ...rest,
    log: (level, message) => {
      if (level === 'error') errors?.push(message);
    },
  });
}
