// The image of a check-in QR, for the participant's page (SVG) and for e-mails (PNG, which mail clients
// show inline where they would not show SVG). The same options everywhere, so every copy of a person's
// QR is the same picture.
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2 };

export async function qrImage(text: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  // Loaded at the first QR image, not at start-up (idle memory, issue 13).
  const { default: QRCode } = await import('qrcode');
  return format === 'png' ? QRCode.toBuffer(text, { ...OPTIONS, type: 'png', width: 360 }) : QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}
