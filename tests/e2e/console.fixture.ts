// What the console's browser tests start from: an administrator and an organiser, a theme, and helpers
// to sign in through the page, to type a meeting's times on the Europe/Rome clock, and to sign people
// up through the public API like any participant would.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { createAccount, type TestAccount } from '../helpers/auth.ts';
import type { WebApp } from '../helpers/browser.ts';
import { createTheme } from '../helpers/factories.ts';

export interface ConsoleWorld {
  admin: TestAccount;
  organiser: TestAccount;
  themeSlug: string;
}

export async function seedConsole(t: WebApp): Promise<ConsoleWorld> {
  const db = t.database.db;
  const admin = await createAccount(db, { role: 'administrator', name: 'Anna Amministratrice', email: 'anna.admin@officina.test' });
  const organiser = await createAccount(db, { role: 'organiser', name: 'Oscar Organizzatore', email: 'oscar.org@officina.test' });
  const theme = await createTheme(db, 'mediazione');
  return { admin, organiser, themeSlug: theme.slug };
}

/** Signs in through /console/accedi; ends on the page the sign-in sent us to. */
export async function signInThroughPage(page: Page, baseUrl: string, account: TestAccount, path = '/console/accedi'): Promise<void> {
  await page.goto(baseUrl + path);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/accedi')), page.click('button[type=submit]')]);
}

/** The wall clock of Europe/Rome for an instant: {date: "2027-01-12", time: "09:30"}. */
export function romeParts(at: Date): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Rome',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/**
 * A meeting under way right now, on one Rome calendar day: from about an hour ago (never before 00:00)
 * to about two hours from now (never after 23:59), so self check-in is open.
 */
export function meetingNow(now = new Date()) {
  const today = romeParts(now).date;
  const start = romeParts(new Date(now.getTime() - 3_600_000));
  const end = romeParts(new Date(now.getTime() + 2 * 3_600_000));
  return {
    date: today,
    start: start.date === today ? start.time : '00:00',
    end: end.date === today ? end.time : '23:59',
  };
}

export function meetingInDays(days: number, start = '09:30', end = '12:30') {
  return { date: romeParts(new Date(Date.now() + days * 86_400_000)).date, start, end };
}

/** Fills the meeting fields of a form whose inputs carry `prefix` (s- to add, m- to move). */
export async function fillMeeting(page: Page, prefix: string, m: { title?: string; date: string; start: string; end: string; location?: string }) {
  if (m.title !== undefined) await page.fill(`#${prefix}title`, m.title);
  await page.fill(`#${prefix}date`, m.date);
  await page.fill(`#${prefix}start`, m.start);
  await page.fill(`#${prefix}end`, m.end);
  if (m.location !== undefined) await page.fill(`#${prefix}location`, m.location);
}

let people = 0;
/** Signs a person up through the public API; returns the registration and its private token. */
export async function signUp(t: WebApp, slug: string, who: { firstName: string; lastName: string; organisation?: string; network?: string | null }) {
  people += 1;
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/cycles/${slug}/registrations`,
    payload: {
      firstName: who.firstName,
      lastName: who.lastName,
      email: `${who.firstName}.${who.lastName}.${people}.${process.pid}@comune.example.it`.toLowerCase(),
      organisation: who.organisation ?? 'Comune di Bergamo',
      network: who.network === undefined ? 'Ambito di Dalmine' : who.network,
      consent: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const registration = res.json().registration as { id: string; status: string; manageUrl: string; calendarUrl: string };
  const token = new URL(registration.manageUrl).pathname.split('/').pop()!;
  return { registration, token };
}

/** The cycle id of /console/cicli/<id>[/...] */
export function cycleIdOf(url: string): string {
  return new URL(url).pathname.split('/')[3]!;
}
