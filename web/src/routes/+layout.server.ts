import { siteConfig } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async () => ({ timezone: siteConfig().timezone });
