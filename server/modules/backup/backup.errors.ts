// A refusal or failure the person running `npm run backup`/`restore` must read: Italian first, then
// English, on one line each; the command exits non-zero.
import { text, type Message } from '../../lib/i18n.ts';

export class BackupError extends Error {
  override name = 'BackupError';
  constructor(message: Message) {
    super(`${text('it', message)}\n${text('en', message)}`);
  }
}
