// publiccode.yml against the publiccode.yml standard, version 0.4, as Developers Italia's catalogue
// reads it: the keys it requires, their allowed values and lengths. No validator of the standard is
// published on the npm registry (the official one, publiccode-parser-go, is a Go program), so the
// rules are written here; the file also has to agree with package.json (licence, version).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/server-process.ts';

const DEVELOPMENT_STATUS = ['concept', 'development', 'beta', 'stable', 'obsolete'];
const SOFTWARE_TYPE = [
  'standalone/mobile',
  'standalone/iot',
  'standalone/desktop',
  'standalone/web',
  'standalone/backend',
  'standalone/other',
  'addon',
  'library',
  'configurationFiles',
];
const MAINTENANCE_TYPE = ['internal', 'contract', 'community', 'none'];
/** The standard's category list (0.4). */
const CATEGORIES = `accounting agile-project-management applicant-tracking application-development appointment-scheduling
  backup billing-and-invoicing blog budgeting business-intelligence business-process-management cad call-center-management
  cloud-management collaboration communications compliance-management contact-management content-management crm
  customer-service-and-support data-analytics data-collection data-visualization digital-asset-management
  digital-citizenship document-management donor-management e-commerce e-signature email-management email-marketing
  employee-management enterprise-project-management enterprise-social-networking erp event-management
  facility-management feedback-and-reviews-management financial-reporting fleet-management fund-accounting
  geographic-information-systems grant-management graphic-design help-desk hr ide identity-management
  instant-messaging inventory-management it-asset-management it-development it-management it-security
  it-service-management knowledge-management learning-management-system marketing mind-mapping mobile-marketing
  mobile-payment network-management office online-booking online-community payment-gateway payroll
  predictive-analysis procurement productivity-suite project-collaboration project-management property-management
  real-estate-management remote-support resource-management sales-management seo service-desk-software
  social-media-management survey talent-management task-management taxes-management test-management time-management
  time-tracking translation video-conferencing video-editing visitor-management voip warehouse-management
  web-collaboration web-conferencing website-builder whistleblowing workflow-management`.split(/\s+/);

type Description = { shortDescription?: string; longDescription?: string; features?: string[] };
const doc = parse(fs.readFileSync(path.join(ROOT, 'publiccode.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string; version: string };

describe('publiccode.yml (standard 0.4)', () => {
  it('has the required top-level keys with allowed values', () => {
    expect(doc.publiccodeYmlVersion).toBe('0.4');
    expect(doc.name).toEqual(expect.any(String));
    expect(doc.url).toMatch(/^https?:\/\/\S+$/);
    expect(doc.platforms.length).toBeGreaterThan(0);
    expect(doc.categories.length).toBeGreaterThan(0);
    expect(doc.categories.filter((c: string) => !CATEGORIES.includes(c))).toEqual([]);
    expect(DEVELOPMENT_STATUS).toContain(doc.developmentStatus);
    expect(SOFTWARE_TYPE).toContain(doc.softwareType);
    if (doc.releaseDate !== undefined) expect(doc.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('describes the software in Italian and English within the lengths the standard sets', () => {
    expect(Object.keys(doc.description)).toEqual(expect.arrayContaining(['it', 'en']));
    for (const [lang, d] of Object.entries(doc.description as Record<string, Description>)) {
      expect(d.shortDescription?.length, `${lang}.shortDescription`).toBeGreaterThan(0);
      expect(d.shortDescription!.length, `${lang}.shortDescription`).toBeLessThanOrEqual(150);
      expect(d.longDescription!.length, `${lang}.longDescription`).toBeGreaterThanOrEqual(150);
      expect(d.longDescription!.length, `${lang}.longDescription`).toBeLessThanOrEqual(10_000);
      expect(d.features?.length, `${lang}.features`).toBeGreaterThan(0);
      for (const f of d.features!) expect(f.length, `${lang} feature "${f}"`).toBeLessThanOrEqual(100);
    }
  });

  it('names the licence, maintenance and languages, agreeing with package.json', () => {
    expect(doc.legal.license).toBe(pkg.license);
    expect(pkg.license).toBe('EUPL-1.2');
    expect(MAINTENANCE_TYPE).toContain(doc.maintenance.type);
    if (doc.maintenance.type === 'internal' || doc.maintenance.type === 'community') expect(doc.maintenance.contacts.length).toBeGreaterThan(0);
    if (doc.maintenance.type === 'contract') expect(doc.maintenance.contractors.length).toBeGreaterThan(0);
    expect(doc.localisation.localisationReady).toEqual(expect.any(Boolean));
    expect(doc.localisation.availableLanguages).toEqual(expect.arrayContaining(['it', 'en']));
    if (doc.softwareVersion !== undefined) expect(doc.softwareVersion).toBe(pkg.version);
  });
});
