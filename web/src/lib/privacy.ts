// Version of the privacy notice shown at /privacy (web/src/lib/content/privacy.*.svelte). The server
// stores config.privacyVersion with each consent: the two must match (tests/e2e check it), so change
// both, and the texts, together.
export const PRIVACY_VERSION = '2026-12-04';
