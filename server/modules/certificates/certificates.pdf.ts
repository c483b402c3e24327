// The certificate as a PDF (pdfkit), one A4 page, in Italian or English: the issuing body (logos and
// name) on top; who (and their organisation), which programme, when, how many meetings and hours, the
// training credits; the signatory at the bottom right, the verification code and a QR code that opens
// the public /verifica page at the bottom left, and the funder's line (CERTIFICATE_FUNDING_LINE) below.
//
// Fonts: DejaVu Sans when the system has it (Debian: fonts-dejavu-core), which covers the Latin,
// Greek and Cyrillic names a programme for Ukrainian refugees' services meets; otherwise PDF's built-in
// Helvetica, which can only print Latin-1.
import fs from 'node:fs';
import type { Locale } from '../../../db/schema.ts';
import { INTL_LOCALE, msg, t } from '../../lib/i18n.ts';
import { datePhrase, formatDayMonthYear, type DateLink } from '../../../emails/format.ts';

export interface CertificateContent {
  code: string;
  name: string;
  cycleTitle: string;
  firstAt: Date;
  lastAt: Date;
  attended: number;
  held: number;
  hours: number;
  issuedAt: Date;
  organisation: string | null;
  credits: string | null;
  issuer: { name: string | null; logos: readonly Buffer[]; fundingLine: string | null };
  signatory: { name: string; role: string | null } | null;
  verifyUrl: string;
}

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF'];

function findFonts(): { regular: string; bold: string } | null {
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (fs.existsSync(regular) && fs.existsSync(bold)) return { regular, bold };
  }
  return null;
}
const fonts = findFonts();

function words(locale: Locale, c: CertificateContent, timezone: string) {
  const number = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 2 });
  const sameDay = formatDayMonthYear(c.firstAt, locale, timezone) === formatDayMonthYear(c.lastAt, locale, timezone);
  const phrase = (d: Date, link: DateLink) => datePhrase(d, link, locale, timezone);
  const percent = Math.round((c.attended / c.held) * 100);
  const hours = number.format(c.hours);
  return {
    title: t(locale, 'certificate_pdf_title'),
    intro: t(locale, 'certificate_pdf_intro'),
    attended: t(locale, 'certificate_pdf_attended'),
    when: sameDay
      ? t(locale, 'certificate_pdf_held_on', { on: phrase(c.firstAt, 'on') })
      : t(locale, 'certificate_pdf_held_from_to', { from: phrase(c.firstAt, 'from'), to: phrase(c.lastAt, 'to') }),
    record: t(locale, 'certificate_pdf_record', { attended: c.attended, held: c.held, percent, hours: msg('certificate_hours', { count: c.hours, hours }) }),
    issued: t(locale, 'certificate_pdf_issued', { on: phrase(c.issuedAt, 'on') }),
    credits: c.credits === null ? null : t(locale, 'certificate_pdf_credits', { credits: c.credits }),
    code: t(locale, 'certificate_pdf_code'),
    check: t(locale, 'certificate_pdf_check'),
    subject: t(locale, 'certificate_pdf_subject', { cycle: c.cycleTitle }),
  };
}

export async function renderCertificatePdf(c: CertificateContent, locale: Locale, timezone: string): Promise<Buffer> {
  const w = words(locale, c, timezone);
  // Loaded at the first certificate, not at start-up: pdfkit and its fonts' metrics are the largest
  // module the server has (about 0.7 s and 30 MB of memory), and certificates are rare.
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const qr = await QRCode.toBuffer(c.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 360 });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    // A small bottom margin: the footer sits low, and pdfkit starts a new page for text below it.
    margins: { top: 44, bottom: 20, left: 56, right: 56 },
    lang: locale,
    // The issue date, not the moment of rendering: the same certificate gives the same document.
    info: {
      Title: w.subject,
      Author: c.issuer.name ?? '',
      Subject: `${w.code}: ${c.code}`,
      CreationDate: c.issuedAt,
      ModDate: c.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const regular = fonts ? 'body' : 'Helvetica';
  const bold = fonts ? 'body-bold' : 'Helvetica-Bold';
  if (fonts) {
    doc.registerFont('body', fonts.regular);
    doc.registerFont('body-bold', fonts.bold);
  }
  const left = 56;
  const width = doc.page.width - 2 * left;
  const blue = '#0059b3';
  const ink = '#1a1a1a';
  const grey = '#4d5d6e';
  const centred = { align: 'center' as const, width };

  doc
    .rect(28, 28, doc.page.width - 56, doc.page.height - 56)
    .lineWidth(2)
    .stroke(blue);

  // The issuing body: its logos side by side, each fitted in the same box, then its name.
  let y = 44;
  if (c.issuer.logos.length > 0) {
    const box = { w: 96, h: 52 };
    const gap = 20;
    const row = c.issuer.logos.length * box.w + (c.issuer.logos.length - 1) * gap;
    c.issuer.logos.forEach((logo, i) => {
      doc.image(logo, left + (width - row) / 2 + i * (box.w + gap), y, { fit: [box.w, box.h], align: 'center', valign: 'center' });
    });
    y += box.h + 8;
  }
  if (c.issuer.name) {
    doc.font(bold).fontSize(13).fillColor(blue).text(c.issuer.name, left, y, centred);
    y = doc.y;
  }
  doc.y = Math.max(y + 14, 96);

  doc.font(bold).fontSize(26).fillColor(blue).text(w.title.toUpperCase(), left, doc.y, centred);
  doc.moveDown(0.8);
  doc.font(regular).fontSize(13).fillColor(ink).text(w.intro, centred);
  doc.moveDown(0.3);
  doc.font(bold).fontSize(24).text(c.name, centred);
  if (c.organisation) doc.font(regular).fontSize(13).fillColor(grey).text(c.organisation, centred);
  doc.moveDown(0.6);
  doc.font(regular).fontSize(13).fillColor(ink).text(w.attended, centred);
  doc.moveDown(0.3);
  doc
    .font(bold)
    .fontSize(16)
    .text(t(locale, 'quoted_title', { title: c.cycleTitle }), centred);
  doc.moveDown(0.3);
  doc.font(regular).fontSize(13).text(w.when, centred);
  doc.text(w.record, centred);
  if (w.credits) {
    doc.moveDown(0.5);
    doc.font(bold).fontSize(13).text(w.credits, centred);
  }
  doc.moveDown(0.8);
  doc.font(regular).fontSize(11).text(w.issued, centred);

  // The bottom band, from the bottom up: the funder's line, then the QR and code (left) and the signatory (right).
  const inner = doc.page.height - 28 - 10;
  let footerTop = inner;
  if (c.issuer.fundingLine) {
    doc.font(regular).fontSize(8);
    const h = doc.heightOfString(c.issuer.fundingLine, { width, align: 'center' });
    footerTop = inner - h;
    doc.fillColor(grey).text(c.issuer.fundingLine, left, footerTop, { width, align: 'center' });
  }
  const qrSize = 84;
  const band = footerTop - 10 - qrSize;
  doc.image(qr, left, band, { width: qrSize, height: qrSize });
  const sigWidth = 240;
  // The address on a line of its own, so it is not broken where a reader would type it.
  const codeWidth = width - qrSize - 12 - sigWidth - 16;
  doc
    .font(bold)
    .fontSize(11)
    .fillColor(ink)
    .text(`${w.code}: ${c.code}`, left + qrSize + 12, band + 10, { width: codeWidth });
  doc.font(regular).fontSize(9).fillColor(grey).text(w.check, { width: codeWidth });
  doc.text(c.verifyUrl, { width: codeWidth, link: c.verifyUrl });

  if (c.signatory) {
    const sigLeft = left + width - sigWidth;
    doc.y = band + 20;
    if (c.signatory.role) doc.font(regular).fontSize(11).fillColor(ink).text(c.signatory.role, sigLeft, doc.y, { width: sigWidth, align: 'center' });
    doc.moveDown(0.3);
    doc.font(bold).fontSize(12).fillColor(ink).text(c.signatory.name, sigLeft, doc.y, { width: sigWidth, align: 'center' });
  }
  doc.end();
  return done;
}
