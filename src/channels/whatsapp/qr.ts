/** The pairing QR: printed in the terminal for the operator, and as a PNG for the admin page. */
import QRCode from 'qrcode';

export function toTerminalQr(qr: string): Promise<string> {
  return QRCode.toString(qr, { type: 'terminal', small: true });
}

export function toPngQr(qr: string): Promise<Buffer> {
  return QRCode.toBuffer(qr, { type: 'png', margin: 2, scale: 6 });
}
