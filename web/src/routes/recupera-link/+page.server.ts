// "Send me my links": POST /api/links mails the manage links of the address's active registrations.
import { emailRequestAction } from '$lib/server/email-request';
import type { Actions } from './$types';

export const actions: Actions = { default: emailRequestAction('/api/links') };
