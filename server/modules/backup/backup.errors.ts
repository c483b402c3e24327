// A refusal or failure the person running `npm run backup`/`restore` must read: Italian first, then
// English, on one line each; the command exits non-zero.
export class BackupError extends Error {
  override name = 'BackupError';
  readonly it: string;
  readonly en: string;
  constructor(it: string, en: string) {
    super(`${it}\n${en}`);
    this.it = it;
    this.en = en;
  }
}
