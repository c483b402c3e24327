// "All my data": POST /api/personal-data/requests mails the address a one-time link to everything held
// about it (the page it opens is dati/[token]).
import { emailRequestAction } from '$lib/server/email-request';
import type { Actions } from './$types';

export const actions: Actions = { default: emailRequestAction('/api/personal-data/requests') };
