// Which passwords an organiser or administrator may choose (OWASP ASVS 2.1.1 and 2.1.7 at level 2): at
// least 12 characters, and not one an attacker tries early. No composition rules (ASVS 2.1.9): a long
// phrase is fine, "Password1!" is not.
//
// "Tries early" is judged by zxcvbn (@zxcvbn-ts/core with @zxcvbn-ts/language-common): its dictionary of
// the most common passwords from public breaches, plus the patterns crackers try first (keyboard rows,
// sequences, repeats, dates, l33t), all shipped in the package: no network call, nothing sent anywhere.
// A password must need at least 10^8 guesses (zxcvbn score 3), the library's own line for "safely
// unguessable" behind a slow hash such as ours. Words of this site and of the person (their address and
// name) count as known to the attacker.
import { msg, type Message } from '../../lib/i18n.ts';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;
const MIN_SCORE = 3;
const SITE_WORDS = ['officina', 'anci', 'lombardia', 'labimpact', 'amministratore', 'organizzatore'];

type Checker = (password: string, userInputs: string[]) => number;
let checker: Promise<Checker> | null = null;

/** The dictionaries take about half a second to load: only when a password is first set, not at start-up. */
function load(): Promise<Checker> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
    return (password, userInputs) => zxcvbn.check(password, userInputs).score;
  })();
  return checker;
}

/** The words of an email address and a name, as zxcvbn's user inputs ("anna.bianchi@comune.it" → anna, bianchi, comune). */
function wordsOf(...texts: (string | undefined)[]): string[] {
  return texts.flatMap((t) => (t ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
}

/**
 * Why this password may not be used, in both languages, or null when it may. Length is checked by the
 * schemas (a 400 validation_error naming the field); this adds the check against common passwords.
 */
export async function passwordWeakness(password: string, person: { email?: string; name?: string } = {}): Promise<Message | null> {
  if (password.length < PASSWORD_MIN) {
    return msg('password_too_short', { min: PASSWORD_MIN });
  }
  const score = (await load())(password, [...SITE_WORDS, ...wordsOf(person.email, person.name)]);
  if (score >= MIN_SCORE) return null;
  return msg('password_too_guessable');
}
