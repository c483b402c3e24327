// The calendar links in API answers (a cycle's detail, "my registration"; docs/http-api.md), built by
// calendarLinks() in server/lib/calendar.links.ts.
import { z } from 'zod';

export const CalendarLinksSchema = z
  .object({
    ics: z.string().describe("The feed's https address (to paste into a calendar app's 'subscribe from the web')"),
    download: z.string().describe('The same feed as a one-off .ics download'),
    webcal: z.string().describe('The feed as webcal://: calendar apps open it as a subscription'),
    google: z.string().describe('Subscribes to the feed in Google Calendar'),
    outlook: z.string().describe('Subscribes to the feed in Outlook.com'),
  })
  .describe('Links that subscribe a calendar app to a feed, so moved or cancelled meetings update by themselves');
