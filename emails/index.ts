// Every email Officina sends, by name, and the one entry point that renders them. The worker calls
// renderEmail(name, props, locale) at send time with freshly loaded data.
import * as certificateIssued from './templates/certificate-issued.ts';
import * as managelinks from './templates/manage-links.ts';
import * as materialsAvailable from './templates/materials-available.ts';
import * as organiserMessage from './templates/organiser-message.ts';
import * as personalDataLink from './templates/personal-data-link.ts';
import * as registrationCancelled from './templates/registration-cancelled.ts';
import * as registrationConfirmed from './templates/registration-confirmed.ts';
import * as registrationPromoted from './templates/registration-promoted.ts';
import * as registrationWaitlisted from './templates/registration-waitlisted.ts';
import * as sessionCancelled from './templates/session-cancelled.ts';
import * as sessionChanged from './templates/session-changed.ts';
import * as sessionReminder from './templates/session-reminder.ts';
import type { Locale, RenderedEmail } from './types.ts';

export type { CalendarLinks, CheckInQr, ContactInfo, CycleInfo, Locale, PersonProps, RenderedEmail, SessionInfo, Site } from './types.ts';

export interface TemplateProps {
  'registration-confirmed': registrationConfirmed.Props;
  'registration-waitlisted': registrationWaitlisted.Props;
  'registration-promoted': registrationPromoted.Props;
  'registration-cancelled': registrationCancelled.Props;
  'session-reminder': sessionReminder.Props;
  'session-changed': sessionChanged.Props;
  'session-cancelled': sessionCancelled.Props;
  'materials-available': materialsAvailable.Props;
  'organiser-message': organiserMessage.Props;
  'manage-links': managelinks.Props;
  'certificate-issued': certificateIssued.Props;
  'personal-data-link': personalDataLink.Props;
}

export type TemplateName = keyof TemplateProps;

const renderers: { [N in TemplateName]: (props: TemplateProps[N], locale: Locale) => RenderedEmail } = {
  'registration-confirmed': registrationConfirmed.render,
  'registration-waitlisted': registrationWaitlisted.render,
  'registration-promoted': registrationPromoted.render,
  'registration-cancelled': registrationCancelled.render,
  'session-reminder': sessionReminder.render,
  'session-changed': sessionChanged.render,
  'session-cancelled': sessionCancelled.render,
  'materials-available': materialsAvailable.render,
  'organiser-message': organiserMessage.render,
  'manage-links': managelinks.render,
  'certificate-issued': certificateIssued.render,
  'personal-data-link': personalDataLink.render,
};

export const TEMPLATE_NAMES = Object.keys(renderers) as TemplateName[];

export function renderEmail<N extends TemplateName>(name: N, props: TemplateProps[N], locale: Locale): RenderedEmail {
  return renderers[name](props, locale);
}
