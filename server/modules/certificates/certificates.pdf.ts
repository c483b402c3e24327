// The certificate as a PDF (pdfkit), in Italian or English: who, which programme, when, how many
// meetings and hours, the verification code and a QR code that opens the public /verifica page.
//
// Fonts: DejaVu Sans when the system has it (Debian: fonts-dejavu-core), which covers the Latin,
// Greek and Cyrillic names a programme for Ukrainian refugees' services meets; otherwise PDF's built-in
// Helvetica, which can only print Latin-1.
import fs from 'node:fs';
import type { Locale } from '../../../db/schema.ts';
import { INTL_LOCALE, msg, t } from '../../lib/i18n.ts';

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
  const date = new Intl.DateTimeFormat(INTL_LOCALE[locale], { day: 'numeric', month: 'long', year: 'numeric', timeZone: timezone });
  const number = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 2 });
  const from = date.format(c.firstAt);
  const to = date.format(c.lastAt);
  const percent = Math.round((c.attended / c.held) * 100);
  const hours = number.format(c.hours);
  return {
    title: t(locale, 'certificate_pdf_title'),
    intro: t(locale, 'certificate_pdf_intro'),
    attended: t(locale, 'certificate_pdf_attended'),
    when: from === to ? t(locale, 'certificate_pdf_held_on', { date: from }) : t(locale, 'certificate_pdf_held_from_to', { from, to }),
    record: t(locale, 'certificate_pdf_record', { attended: c.attended, held: c.held, percent, hours: msg('certificate_hours', { count: c.hours, hours }) }),
    issued: t(locale, 'certificate_pdf_issued', { date: date.format(c.issuedAt) }),
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
    margin: 56,
    lang: locale,
    // The issue date, not the moment of rendering: the same certificate gives the same document.
    info: { Title: w.subject, Author: 'Officina', Subject: `${w.code}: ${c.code}`, CreationDate: c.issuedAt, ModDate: c.issuedAt },
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
  const width = doc.page.width - 112;
  const blue = '#0059b3';

  doc
    .rect(28, 28, doc.page.width - 56, doc.page.height - 56)
    .lineWidth(2)
    .stroke(blue);
  doc.moveDown(1.5);
  doc.font(bold).fontSize(30).fillColor(blue).text(w.title.toUpperCase(), { align: 'center', width });
  doc.moveDown(1.2);
  doc.font(regular).fontSize(14).fillColor('#1a1a1a').text(w.intro, { align: 'center', width });
  doc.moveDown(0.4);
  doc.font(bold).fontSize(26).text(c.name, { align: 'center', width });
  doc.moveDown(0.4);
  doc.font(regular).fontSize(14).text(w.attended, { align: 'center', width });
  doc.moveDown(0.4);
  doc
    .font(bold)
    .fontSize(18)
    .text(t(locale, 'quoted_title', { title: c.cycleTitle }), { align: 'center', width });
  doc.moveDown(0.4);
  doc.font(regular).fontSize(14).text(w.when, { align: 'center', width });
  doc.text(w.record, { align: 'center', width });
  doc.moveDown(0.6);
  doc.fontSize(12).text(w.issued, { align: 'center', width });

  const qrSize = 96;
  const bottom = doc.page.height - 56 - qrSize - 8;
  doc.image(qr, 64, bottom, { width: qrSize, height: qrSize });
  doc
    .font(bold)
    .fontSize(12)
    .text(`${w.code}: ${c.code}`, 64 + qrSize + 16, bottom + 16, { width: width - qrSize - 24 });
  doc
    .font(regular)
    .fontSize(10)
    .fillColor('#4d5d6e')
    .text(`${w.check} ${c.verifyUrl}`, { width: width - qrSize - 24, link: c.verifyUrl });
  doc.end();
  return done;
}
