// The services of materials, certificates, "send me my links" and personal data, built once by app.ts
// and reached as app.services.<name>.
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Config } from '../../config.ts';
import { certificatesService } from '../certificates/certificates.service.ts';
import { linksService } from '../links/links.service.ts';
import { materialsService } from '../materials/materials.service.ts';
import { databaseStorage, type MaterialStorage } from '../materials/materials.storage.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import { privacyService } from './privacy.service.ts';

export interface ParticipantServicesDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'publicUrl' | 'timezone' | 'dataDir' | 'maxUploadBytes' | 'retentionMonths' | 'databasePoolMax'>;
  /** The server secret, as the link tokens use it. */
  secret: Buffer;
  notifier?: Notifier;
  clock?: () => Date;
  /** Where material files go; default the database, which every app node shares. */
  storage?: MaterialStorage;
}

export function participantServices(d: ParticipantServicesDeps) {
  const { db, config, notifier, clock } = d;
  return {
    materials: materialsService({
      db,
      // An upload holds a connection while its bytes arrive: a quarter of the pool at most.
      storage: d.storage ?? databaseStorage(db, { concurrentUploads: Math.floor(config.databasePoolMax / 4) }),
      publicUrl: config.publicUrl,
      maxUploadBytes: config.maxUploadBytes,
      notifier,
      clock,
    }),
    certificates: certificatesService({ db, publicUrl: config.publicUrl, timezone: config.timezone, notifier, clock }),
    links: linksService({ db, secret: d.secret, clock }),
    privacy: privacyService({
      db,
      secret: d.secret,
      retentionMonths: config.retentionMonths,
      outboxDir: path.join(config.dataDir, 'mail'),
      notifier,
      clock,
    }),
  };
}

export type ParticipantServices = ReturnType<typeof participantServices>;
