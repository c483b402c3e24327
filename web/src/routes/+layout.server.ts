import { siteConfig } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({ timezone: siteConfig().timezone, refusedForm: locals.refusedForm ?? null });
