// Everything under /api/admin. Each route declares `config.access` (who may call it, and which of its
// params name objects whose cycle must be one the caller runs); the auth plugin enforces it before the
// body is read. A route registered here without a rule is administrators-only.
import type { FastifyPluginAsync } from 'fastify';
import adminAccountsRoutes from './admin-accounts.routes.ts';
import adminAttendanceRoutes from './admin-attendance.routes.ts';
import adminCyclesRoutes from './admin-cycles.routes.ts';
import adminExportsRoutes from './admin-exports.routes.ts';
import adminMessagesRoutes from './admin-messages.routes.ts';
import adminRegistrationsRoutes from './admin-registrations.routes.ts';
import adminSessionsRoutes from './admin-sessions.routes.ts';
import adminThemesRoutes from './admin-themes.routes.ts';

const adminRoutes: FastifyPluginAsync = async (app) => {
  await app.register(adminCyclesRoutes);
  await app.register(adminSessionsRoutes);
  await app.register(adminRegistrationsRoutes);
  await app.register(adminAttendanceRoutes);
  await app.register(adminExportsRoutes);
  await app.register(adminMessagesRoutes);
  await app.register(adminAccountsRoutes);
  await app.register(adminThemesRoutes);
};
export default adminRoutes;
