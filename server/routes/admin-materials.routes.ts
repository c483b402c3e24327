// Organiser API: materials of a meeting or of a whole cycle. Files arrive as multipart (`file`, `title`,
// `visibility`) and stream to the storage; links arrive as JSON {title, url, visibility}. Who may call
// each route is the access rule (organiser of that cycle, or an administrator), checked before the body
// is read, so a refused upload costs nothing.
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { msg } from '../lib/i18n.ts';
import type { ObjectRule } from '../modules/access/access.rules.ts';
import { materialErrors } from '../modules/materials/materials.errors.ts';
import {
  AdminMaterialSchema,
  CreatedMaterialSchema,
  LinkMaterialBody,
  MaterialIdParams,
  MaterialPatchBody,
  type LinkMaterialInput,
} from '../modules/materials/materials.schemas.ts';
import type { MaterialTarget, UploadPart } from '../modules/materials/materials.service.ts';
import { authOf, scopeOf } from '../plugins/auth.plugin.ts';
import { accessDenied, adminTags, ErrorSchema, IdParams, managesCycle } from './common.schemas.ts';
import { sendDownload } from './materials.routes.ts';

const created = { 201: CreatedMaterialSchema, 400: ErrorSchema, 413: ErrorSchema, ...accessDenied };
const UploadBody = LinkMaterialBody.nullish().describe(
  'JSON {title, url, visibility} for a link; or multipart/form-data with `file`, `title` (optional) and `visibility` for a file',
);

const adminMaterialsRoutes: FastifyPluginAsyncZod = async (app) => {
  const materials = app.services.materials;
  // Streaming multipart for these routes only (the parser leaves the body null; the handler reads the parts). Busboy's own limit is one byte above ours, so the
  // storage's meter is what refuses (and cleans up) an upload that is too large.
  await app.register(multipart, {
    limits: { fileSize: app.config.maxUploadBytes + 1, files: 1, fields: 10, fieldSize: 4096, parts: 12, fieldNameSize: 100, headerPairs: 100 },
  });

  const ofMaterial: ObjectRule = { resolve: (params) => materials.cycleOf(params.id ?? '') };

  async function add(req: FastifyRequest, target: MaterialTarget, body: LinkMaterialInput | null | undefined) {
    const accountId = authOf(req).account.id;
    if (req.isMultipart()) {
      materials.checkDeclaredLength(req.headers['content-length']);
      return materials.uploadFile(target, req.parts() as AsyncIterable<UploadPart>, accountId);
    }
    if (!body) throw materialErrors.invalid('body', msg('material_file_or_link'));
    return materials.addLink(target, body, accountId);
  }

  app.post(
    '/sessions/:id/materials',
    {
      config: { access: { session: 'id' } },
      schema: {
        tags: adminTags,
        summary: 'Add a material to a meeting: a file (multipart) or a link (JSON)',
        consumes: ['multipart/form-data', 'application/json'],
        params: IdParams,
        body: UploadBody,
        response: created,
      },
    },
    async (req, reply) => {
      const m = await add(req, { cycleId: scopeOf(req).cycleId, sessionId: req.params.id }, req.body);
      return reply.code(201).send(m);
    },
  );

  app.post(
    '/cycles/:id/materials',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Add a material to the whole cycle: a file (multipart) or a link (JSON)',
        consumes: ['multipart/form-data', 'application/json'],
        params: IdParams,
        body: UploadBody,
        response: created,
      },
    },
    async (req, reply) => {
      const m = await add(req, { cycleId: scopeOf(req).cycleId, sessionId: null }, req.body);
      return reply.code(201).send(m);
    },
  );

  app.get(
    '/cycles/:id/materials',
    {
      config: managesCycle,
      schema: {
        tags: adminTags,
        summary: 'Every material of a cycle, with download counts',
        params: IdParams,
        response: { 200: z.object({ items: z.array(AdminMaterialSchema) }), ...accessDenied },
      },
    },
    async (req) => ({ items: await materials.listForOrganisers(scopeOf(req).cycleId) }),
  );

  app.patch(
    '/materials/:id',
    {
      config: { access: ofMaterial },
      schema: {
        tags: adminTags,
        summary: 'Change a material’s title or who may see it',
        params: MaterialIdParams,
        body: MaterialPatchBody,
        response: { 200: AdminMaterialSchema, 400: ErrorSchema, ...accessDenied },
      },
    },
    async (req) => materials.patch(req.params.id, req.body),
  );

  app.delete(
    '/materials/:id',
    {
      config: { access: ofMaterial },
      schema: { tags: adminTags, summary: 'Remove a material (and its file)', params: MaterialIdParams, response: { 204: z.null(), ...accessDenied } },
    },
    async (req, reply) => {
      await materials.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/materials/:id/download',
    {
      config: { access: ofMaterial },
      exposeHeadRoute: false,
      schema: {
        tags: adminTags,
        summary: 'Download (or follow) any material of a cycle the caller runs; not counted as a download',
        params: MaterialIdParams,
        response: { 200: z.string().describe('the file, or a 302 to a link'), ...accessDenied },
      },
    },
    async (req, reply) => sendDownload(reply, await materials.organiserDownload(req.params.id), 'private'),
  );
};
export default adminMaterialsRoutes;
