// Where uploaded materials live. The service only sees this interface, so a deployment can put the
// bytes in object storage (S3, Swift...) by writing another implementation; the filesystem one keeps
// them under DATA_DIR/materials.
//
// Objects are named by a random key (128 CSPRNG bits, hex) chosen here: an uploader's file name never
// becomes a path. The size limit is enforced while the bytes stream in, and anything written for an
// upload that fails (too large, aborted, refused afterwards) is removed, so the disk can't fill with
// leftovers.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

/** The storage ran out of room (disk full, quota reached, file size limit of the file system). */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

// ENOSPC: no space left on the device; EDQUOT: the user's quota is used up; EFBIG: larger than the file
// system (or RLIMIT_FSIZE) allows.
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

const KEY = /^[0-9a-f]{32}$/;
export const isStorageKey = (key: string) => KEY.test(key);

export function filesystemStorage(dir: string): MaterialStorage {
  const root = path.resolve(dir);
  // The key is checked even though only this module makes keys: a key from a tampered row must not
  // name a path outside the folder.
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error('invalid storage key');
    return path.join(root, key);
  };

  return {
    async put(source, { maxBytes }) {
      await fs.promises.mkdir(root, { recursive: true, mode: 0o750 });
      const key = randomBytes(16).toString('hex');
      // Written under a temporary name and renamed when complete: a crash mid-upload leaves a .part
      // file, never an object that looks whole.
      const partial = path.join(root, `${key}.part`);
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
      // The source is piped by hand, not handed to pipeline(): pipeline would destroy it on a failure,
      // and a destroyed part of a multipart body stops the parser reading the request, so a client still
      // sending the rest of its file (disk full at 1 MB of 2) never got our answer. On a failure the rest
      // is read and dropped instead. An error of the source, or its end before the whole body came (a
      // truncated form), fails the put.
      const unwatch = finished(source, (err) => {
        if (err) meter.destroy(err);
      });
      source.pipe(meter);
      const out = fs.createWriteStream(partial, { flags: 'wx', mode: 0o640 });
      try {
        await pipeline(meter, out);
        await fs.promises.rename(partial, pathOf(key));
      } catch (err) {
        source.unpipe(meter);
        // Errors of the rest (the client going away) change nothing now: the upload has failed already.
        source.on('error', () => {});
        source.resume();
        // The file may still be opening when the pipeline fails (a form cut short at once): removed
        // before the open completes, it would come back empty. Wait for the stream to close first.
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        await fs.promises.rm(partial, { force: true });
        if (NO_ROOM.has((err as NodeJS.ErrnoException).code ?? '')) throw new StorageFullError((err as Error).message, { cause: err });
        throw err;
      } finally {
        unwatch();
      }
      return { key, size, sha256: hash.digest('hex') };
    },

    async get(key) {
      const file = pathOf(key);
      try {
        const stat = await fs.promises.stat(file);
        return { stream: fs.createReadStream(file), size: stat.size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },

    async delete(key) {
      await fs.promises.rm(pathOf(key), { force: true });
    },
  };
}
