// Where uploaded materials live: in PostgreSQL, so every app node serves every file (issue 13). The
// service only sees the MaterialStorage interface, so a deployment could put the bytes in object storage
// (S3, Swift...) by writing another implementation.
//
// A file is a row of material_objects (size, digest, number of chunks) and its bytes in material_chunks,
// 256 KiB a row. Bytes stream in and out a chunk at a time, so a 100 MB file never sits in memory. Rows
// of a table rather than large objects: pg_largeobject is a system catalog that a table-by-table backup
// does not take, that can't be moved to a tablespace of its own, and whose orphans need vacuumlo.
//
// Objects are named by a random key (128 CSPRNG bits, hex) chosen here: an uploader's file name never
// becomes a name in the storage. The size limit is enforced while the bytes stream in. An upload is one
// transaction whose last statement writes the object row: whatever ends it early (too large, aborted, the
// database full or gone, the process killed) rolls back every chunk, so nothing half-written remains.
import { createHash, randomBytes } from 'node:crypto';
import { finished, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Executor } from '../../lib/db.ts';
import * as storageRepo from './materials.storage.repository.ts';

export interface StoredObject {
  key: string;
  size: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
}

export interface MaterialStorage {
  /**
   * Streams `source` into a new object; rejects with UploadTooLargeError past `maxBytes` and with
   * StorageFullError when the storage has no room left, keeping nothing either way.
   */
  put(source: Readable, opts: { maxBytes: number }): Promise<StoredObject>;
  /** The object's bytes and size, or null when there is no such object. */
  get(key: string): Promise<{ stream: Readable; size: number } | null>;
  /** Removes the object; nothing happens when it is already gone. */
  delete(key: string): Promise<void>;
}

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
}

/** The storage ran out of room (the database's disk or tablespace is full). */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** Bytes per chunk row: large enough that a 100 MB file is 400 statements, small enough to hold in memory. */
export const CHUNK_BYTES = 256 * 1024;

// 53100 disk_full: PostgreSQL could not extend a file (ENOSPC, a quota) while writing the chunks.
const NO_ROOM = new Set(['53100']);

const KEY = /^[0-9a-f]{32}$/;
export const isStorageKey = (key: string) => KEY.test(key);

/** A writable that cuts what it receives into CHUNK_BYTES rows of `key`, one INSERT per chunk. */
function chunkWriter(trx: Executor, key: string): Writable & { chunks: () => number } {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let n = 0;
  const insert = async (data: Buffer) => {
    await storageRepo.insertChunk(trx, key, n, data);
    n++;
  };
  // Whole chunks leave as soon as they are complete; the write callback waits for their INSERT, so a
  // slow database slows the upload down instead of filling memory.
  async function flush(all: boolean) {
    while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
      const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      const take = Math.min(CHUNK_BYTES, joined.length);
      const rest = joined.subarray(take);
      await insert(joined.subarray(0, take));
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  const writer = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < CHUNK_BYTES) return done();
      flush(false).then(() => done(), done);
    },
    final(done) {
      flush(true).then(() => done(), done);
    },
  });
  return Object.assign(writer, { chunks: () => n });
}

/**
 * Streams `source` into the object `key` inside one transaction, the object row last. Used by put()
 * with a fresh key and by the import of files from a node's disk with the key they already have.
 * The source is piped by hand, not handed to pipeline(): pipeline would destroy it on a failure, and a
 * destroyed part of a multipart body stops the parser reading the request, so a client still sending
 * the rest of its file (storage full at 1 MB of 2) never got our answer. On a failure the rest is read
 * and dropped instead. An error of the source, or its end before the whole body came (a truncated
 * form), fails the write.
 */
export async function writeObject(db: Kysely<Database>, key: string, source: Readable, maxBytes: number): Promise<StoredObject> {
  if (!KEY.test(key)) throw new Error('invalid storage key');
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new UploadTooLargeError(`larger than ${maxBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // A failure raised before the transaction has begun and the pipeline listens (a form cut short while
  // a connection is being taken) reaches the pipeline or the catch below all the same; this listener
  // only keeps it from being an uncaught 'error' event meanwhile.
  meter.on('error', () => {});
  const unwatch = finished(source, (err) => {
    if (err) meter.destroy(err);
  });
  source.pipe(meter);
  try {
    const sha256 = await db.transaction().execute(async (trx) => {
      const writer = chunkWriter(trx, key);
      await pipeline(meter, writer);
      const digest = hash.digest('hex');
      await storageRepo.insertObject(trx, { key, size, sha256: digest, chunks: writer.chunks() });
      return digest;
    });
    return { key, size, sha256 };
  } catch (err) {
    source.unpipe(meter);
    // Errors of the rest (the client going away) change nothing now: the upload has failed already.
    source.on('error', () => {});
    source.resume();
    meter.destroy();
    if (NO_ROOM.has((err as { code?: string }).code ?? '')) throw new StorageFullError((err as Error).message, { cause: err });
    throw err;
  } finally {
    unwatch();
  }
}

/** The bytes of a stored object as a stream that reads one chunk per query (no connection held between). */
function chunkReader(db: Kysely<Database>, key: string, chunks: number): Readable {
  let n = 0;
  return new Readable({
    // One chunk buffered ahead: the next query starts only when the client has taken the last one.
    highWaterMark: CHUNK_BYTES,
    read() {
      if (n >= chunks) return void this.push(null);
      const at = n++;
      storageRepo.chunk(db, key, at).then(
        (row) => {
          // Deleted while it was being read: the response ends short rather than with other bytes.
          if (!row) return this.destroy(new Error(`material ${key}: chunk ${at} is gone`));
          this.push(row.data);
        },
        (err: Error) => this.destroy(err),
      );
    },
  });
}

/**
 * The storage on the app's database. An upload holds one pooled connection (its transaction) while its
 * bytes arrive, so at most `concurrentUploads` run at once per process; more wait their turn (their
 * clients are slowed by TCP, nothing is buffered), and sign-ups and pages keep the rest of the pool.
 */
export function databaseStorage(db: Kysely<Database>, opts: { concurrentUploads: number }): MaterialStorage {
  const slots = semaphore(opts.concurrentUploads);
  // Rolled-back and deleted chunks leave no rows but keep their space until a vacuum marks it free: on
  // a full disk every later upload, however small, would fail too. So a failed upload and a deletion
  // are followed by VACUUM (it skips the pages that hold only live files, so its cost follows what
  // changed). On a disk that is still full the vacuum itself fails (it needs a page for its maps): it is
  // then owed, and run before the next upload, by which time an administrator may have made room.
  // Autovacuum does the same later in any case, so a failed vacuum is never the caller's error.
  let owed = false;
  async function reclaim() {
    try {
      await storageRepo.vacuumChunks(db);
      owed = false;
    } catch {
      owed = true;
    }
  }

  return {
    async put(source, { maxBytes }) {
      const release = await slots.acquire();
      try {
        if (owed) await reclaim();
        return await writeObject(db, randomBytes(16).toString('hex'), source, maxBytes);
      } catch (err) {
        // The answer waits for it, so a retry finds the room this upload took.
        await reclaim();
        throw err;
      } finally {
        release();
      }
    },

    async get(key) {
      if (!KEY.test(key)) return null;
      const object = await storageRepo.findObject(db, key);
      if (!object) return null;
      return { stream: chunkReader(db, key, object.chunks), size: Number(object.size_bytes) };
    },

    async delete(key) {
      if (!KEY.test(key)) return;
      await storageRepo.deleteObject(db, key);
      // Deleting files is how an administrator makes room: hand it back now, in the background.
      void reclaim();
    },
  };
}

function semaphore(size: number) {
  let free = Math.max(1, size);
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    async acquire(): Promise<() => void> {
      if (free > 0) {
        free--;
        return release;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
      return release;
    },
  };
}
